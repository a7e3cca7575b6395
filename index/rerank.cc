#include "index/rerank.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <string>

#include "index/query_terms.h"
#include "index/schema.h"
#include "index/tfidf.h"

namespace storyline::index {
namespace {

// The query's latent vector (topics view): its word stems, weighted by idf
// like a document's TF-IDF.
std::vector<float> QueryVector(const ReaderContext& reader, const Xapian::Query& query) {
  SparseVector v;
  const double n = std::max<double>(1, reader.db.get_doccount());
  for (const std::string& term : PositiveTerms(query)) {
    if (!IsVectorTerm(term)) continue;
    const double w = TfIdfWeight(1, reader.df_cache.Get(reader.db, term), n);
    if (w > 0) v.emplace_back(term, w);
  }
  return reader.model->Project(v, LsaView::kTopics);
}

// A document's cosine to `query_z` (documents newer than the model are
// folded in).
double SemanticCosine(const ReaderContext& reader, const std::vector<float>& query_z,
                      Xapian::docid did) {
  if (query_z.empty()) return 0;
  const LsaModel& model = *reader.model;
  if (const std::optional<float> cosine = model.TopicsDot(query_z, did)) return *cosine;
  // Newer than the model: fold it in.
  const std::vector<float> folded = model.Project(
      TfIdfVector(reader.db, did, reader.db.get_document(did), &reader.df_cache), LsaView::kTopics);
  return folded.empty() ? 0.0 : LsaModel::Dot(query_z, folded);
}

}  // namespace

std::vector<double> ScoreBySemantic(const ReaderContext& reader, const Xapian::Query& query,
                                    double semantic_weight, const Xapian::MSet& mset, size_t window,
                                    double top, RankedMatches* ranked) {
  const std::vector<float> query_z = QueryVector(reader, query);
  std::vector<double> semantic(window);
  for (size_t r = 0; r < window; ++r) {
    semantic[r] = SemanticCosine(reader, query_z, *mset[static_cast<Xapian::doccount>(r)]);
    (*ranked)[r].second = (*ranked)[r].second / top + semantic_weight * semantic[r];
  }
  return semantic;
}

void ScoreByRecency(const Xapian::MSet& mset, size_t window, double top, absl::Duration half_life,
                    RankedMatches* ranked) {
  // Decay relative to the newest candidate: "recent" means recent for
  // this query, in a live index (≈ now) and in an archive alike.
  double newest = -1e300;
  std::vector<double> when(window, -1e300);
  for (size_t r = 0; r < window; ++r) {
    const std::string v =
        mset[static_cast<Xapian::doccount>(r)].get_document().get_value(kSlotPublishTime);
    if (!v.empty()) when[r] = Xapian::sortable_unserialise(v);
    newest = std::max(newest, when[r]);
  }
  const double half_life_s = std::max(1e-3, absl::ToDoubleSeconds(half_life));
  for (size_t r = 0; r < window; ++r) {
    const double decay = when[r] <= -1e300 ? 0.0 : std::pow(0.5, (newest - when[r]) / half_life_s);
    // Filter-only queries weigh every match 0: recency alone orders them.
    const double relevance = mset.get_max_attained() > 0 ? (*ranked)[r].second / top : 1.0;
    (*ranked)[r].second = relevance * (1 + decay) / 2;
  }
}

}  // namespace storyline::index
