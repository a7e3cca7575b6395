#include "index/similar_stories.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <span>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "index/deadline.h"
#include "index/simhash.h"
#include "index/stored_document.h"
#include "index/surface_forms.h"
#include "index/weighted_terms.h"

// How SimilarStories ranks:
// 1. The seed's kSimilarTerms most distinctive stems (TF-IDF) retrieve
//    kCandidates candidates with BM25; with a semantic model, the seed's
//    kCandidates nearest neighbours in the latent space join them.
// 2. Candidates are scored by kLexicalShare x TF-IDF cosine + the rest x
//    latent cosine (plain TF-IDF cosine without a model).
// 3. Rocchio feedback: the seed is moved toward the mean of its
//    kFeedbackDocs best candidates, in both spaces, and candidates are
//    scored again. Stories that share the seed's neighbourhood, not just
//    its rarest words, come first (bench/README.md has the figures).

namespace storyline::index {
namespace {

using storyline::v1::Article;

constexpr size_t kSimilarTerms = 40;
constexpr Xapian::doccount kCandidates = 50;
constexpr size_t kFeedbackDocs = 5;
constexpr double kFeedbackBeta = 1.0;
// With a semantic model, similarity is this share TF-IDF cosine and the
// rest latent-space cosine.
constexpr double kLexicalShare = 0.5;
constexpr size_t kTextTermScanBytes = 256 * 1024;

// The article or text similar stories are found for.
struct Seed {
  std::vector<WeightedTerm> terms;  // its most distinctive stems
  SparseVector vec;                 // its TF-IDF vector
  Xapian::docid did = 0;            // 0 for a text
  uint64_t hash = 0;                // SimHash
  std::vector<std::string> exclude;
  FilterParams filter;  // the request's, narrowed by the seed window
  std::string text;     // for surface forms
  bool empty_window = false;
};

struct Candidate {
  Xapian::Document doc;
  SparseVector vec;
  std::vector<float> z;
  double cosine = 0;  // TF-IDF cosine to the seed (duplicate test)
  double knn = 0;
  double score = 0;
};

// Narrows `seed->filter` to the window around the seed's publish time.
absl::Status ApplySeedWindow(const Xapian::Document& doc, const SimilarParams& p, Seed* seed) {
  std::optional<absl::Time> t = DocPublishTime(doc);
  if (!t) {
    return absl::FailedPreconditionError(absl::StrCat(
        "article ", p.article_id,
        " has no publish_time, so published_after/published_before cannot be applied"));
  }
  FilterParams& filter = seed->filter;
  if (p.after_seed) {
    const absl::Time lo = *t + *p.after_seed;
    filter.published_after = filter.published_after ? std::max(*filter.published_after, lo) : lo;
  }
  if (p.before_seed) {
    const absl::Time hi = *t + *p.before_seed;
    filter.published_before = filter.published_before ? std::min(*filter.published_before, hi) : hi;
  }
  seed->empty_window = filter.published_after && filter.published_before &&
                       *filter.published_after > *filter.published_before;
  return absl::OkStatus();
}

absl::StatusOr<Seed> ArticleSeed(const ReaderContext& reader, const SimilarParams& p) {
  std::optional<Xapian::docid> did = FindDocId(reader.db, p.article_id);
  if (!did) {
    return absl::NotFoundError(absl::StrCat("no article with id \"", p.article_id, "\""));
  }
  Seed seed;
  seed.filter = p.filter;
  Xapian::Document doc = reader.db.get_document(*did);
  seed.vec = TfIdfVector(reader.db, *did, doc, &reader.df_cache);
  seed.did = *did;
  seed.terms = TopTerms(reader.db, seed.vec, kSimilarTerms, /*in_index=*/true, &reader.df_cache);
  seed.hash = DocSimHash(doc);
  seed.exclude.push_back(p.article_id);
  Article article;
  if (ParseArticle(doc, &article)) seed.text = absl::StrCat(article.title(), "\n", article.body());
  if (p.after_seed || p.before_seed) RETURN_IF_ERROR(ApplySeedWindow(doc, p, &seed));
  return seed;
}

Seed TextSeed(const ReaderContext& reader, const SimilarParams& p) {
  Seed seed;
  seed.filter = p.filter;
  Xapian::TermGenerator tg;
  tg.set_stemmer(reader.stemmer);
  tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  Xapian::Document doc;
  tg.set_document(doc);
  const absl::string_view text = absl::string_view(p.text).substr(0, kTextTermScanBytes);
  tg.index_text_without_positions(std::string(text));
  seed.vec = TfIdfVector(reader.db, 0, doc, &reader.df_cache);
  seed.terms = TopTerms(reader.db, seed.vec, kSimilarTerms, /*in_index=*/false, &reader.df_cache);
  seed.hash = SimHash(p.text);
  seed.text = std::string(text);  // SurfaceForms reads only its start
  return seed;
}

// The seed in the semantic space (empty without a model).
std::vector<float> SeedVector(const LsaModel* model, const Seed& seed) {
  if (model == nullptr) return {};
  std::vector<float> stored;
  if (seed.did != 0 && model->SimilarityVector(seed.did, &stored)) return stored;
  return model->Project(seed.vec);
}

// The BM25 matches of the seed's stems and, with a semantic model, its
// latent-space neighbours, by their first-pass similarity (knn).
std::vector<Candidate> GatherCandidates(const ReaderContext& reader, const Seed& seed,
                                        const std::vector<float>& seed_z, const Xapian::MSet& mset,
                                        Xapian::doccount want) {
  const bool semantic = !seed_z.empty();
  const LsaModel* model = reader.model;
  std::vector<Candidate> candidates;
  candidates.reserve(mset.size() + (semantic ? want : 0));
  absl::flat_hash_set<Xapian::docid> seen;
  auto add = [&](Xapian::docid did, Xapian::Document doc) {
    if (!seen.insert(did).second) return;
    Candidate& c = candidates.emplace_back();
    c.doc = std::move(doc);
    c.vec = TfIdfVector(reader.db, did, c.doc, &reader.df_cache);
    c.cosine = Dot(seed.vec, c.vec);
    c.knn = c.cosine;
    if (semantic) {
      if (!model->SimilarityVector(did, &c.z)) c.z = model->Project(c.vec);
      c.knn = kLexicalShare * c.cosine + (1 - kLexicalShare) * LsaModel::Dot(seed_z, c.z);
    }
  };
  for (auto it = mset.begin(); it != mset.end(); ++it) add(*it, it.get_document());
  if (semantic) {
    // Neighbours in the semantic space that share few words with the seed.
    for (const auto& [did, cos] : model->Nearest(seed_z, want, seed.did)) {
      if (seen.contains(did)) continue;
      Xapian::Document doc;
      try {
        doc = reader.db.get_document(did);
      } catch (const Xapian::DocNotFoundError&) {
        continue;  // deleted since the model was built
      }
      if (!MatchesFilter(doc, seed.filter)) continue;
      add(did, std::move(doc));
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.knn > b.knn; });
  return candidates;
}

// Rocchio: moves the seed toward the mean of its nearest candidates, in
// both spaces, and scores every candidate again (best first).
void RescoreByFeedback(const Seed& seed, const std::vector<float>& seed_z,
                       std::vector<Candidate>* candidates) {
  const bool semantic = !seed_z.empty();
  absl::flat_hash_map<std::string, double> q;
  for (const auto& [t, w] : seed.vec) q[t] += w;
  std::vector<double> qz(seed_z.begin(), seed_z.end());
  const size_t m = std::min(kFeedbackDocs, candidates->size());
  for (size_t i = 0; i < m; ++i) {
    const Candidate& c = (*candidates)[i];
    for (const auto& [t, w] : c.vec) q[t] += kFeedbackBeta * w / m;
    for (size_t k = 0; k < qz.size() && k < c.z.size(); ++k) qz[k] += kFeedbackBeta * c.z[k] / m;
  }
  double qnorm = 0;
  for (const auto& [t, w] : q) qnorm += w * w;
  qnorm = std::sqrt(std::max(qnorm, 1e-12));
  double qznorm = 0;
  for (double x : qz) qznorm += x * x;
  qznorm = std::sqrt(std::max(qznorm, 1e-12));
  for (Candidate& c : *candidates) {
    double dot = 0;
    for (const auto& [t, w] : c.vec) {
      auto it = q.find(t);
      if (it != q.end()) dot += w * it->second;
    }
    c.score = dot / qnorm;
    if (semantic) {
      double zdot = 0;
      for (size_t k = 0; k < qz.size() && k < c.z.size(); ++k) zdot += qz[k] * c.z[k];
      c.score = kLexicalShare * c.score + (1 - kLexicalShare) * zdot / qznorm;
    }
  }
  std::stable_sort(candidates->begin(), candidates->end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
}

// The stems a candidate shares with the seed, by their contribution to
// the cosine, as readable words and phrases.
std::vector<std::string> SharedTerms(const Candidate& c,
                                     const absl::flat_hash_map<std::string, double>& seed_weight,
                                     const SurfaceForms& forms) {
  std::vector<std::pair<double, std::string>> shared;
  for (const auto& [t, w] : c.vec) {
    auto it = seed_weight.find(t);
    if (it != seed_weight.end() && !forms.IsStopTerm(t)) shared.emplace_back(w * it->second, t);
  }
  std::sort(shared.begin(), shared.end(), std::greater<>());
  std::vector<std::string> stems;
  for (size_t i = 0; i < shared.size() && i < kSharedTerms * 2; ++i) {
    stems.push_back(shared[i].second);
  }
  return forms.Readable(stems, kSharedTerms);
}

// Fills a page of hits from the ranked candidates: copies of the seed go
// to seed_duplicates, copies of an earlier hit to its duplicates (unless
// include_duplicates).
void FoldIntoHits(const ReaderContext& reader, const Seed& seed, const SimilarParams& p,
                  int page_size, const std::vector<Candidate>& candidates, SimilarResults* out) {
  const absl::flat_hash_map<std::string, double> seed_weight(seed.vec.begin(), seed.vec.end());
  const SurfaceForms forms(reader.stemmer, seed.text);
  std::vector<uint64_t> kept_hashes;
  std::vector<const SparseVector*> kept_vecs;
  for (const Candidate& c : candidates) {
    if (static_cast<int>(out->hits.size()) >= page_size) break;
    const uint64_t h = DocSimHash(c.doc);
    Article article;
    if (!ParseArticle(c.doc, &article)) continue;
    if (!p.include_duplicates) {
      if (NearDuplicates(h, seed.hash) || c.cosine >= kDuplicateCosine) {
        out->seed_duplicates.push_back(article.id());
        continue;
      }
      bool folded = false;
      for (size_t k = 0; k < kept_hashes.size() && !folded; ++k) {
        if (NearDuplicates(h, kept_hashes[k]) || Dot(c.vec, *kept_vecs[k]) >= kDuplicateCosine) {
          out->hits[k].duplicates.push_back(article.id());
          folded = true;
        }
      }
      if (folded) continue;
    }
    SimilarHit& hit = out->hits.emplace_back();
    if (!p.include_body) article.clear_body();
    hit.article = std::move(article);
    hit.score = c.score;
    hit.shared_terms = SharedTerms(c, seed_weight, forms);
    kept_hashes.push_back(h);
    kept_vecs.push_back(&c.vec);
  }
}

}  // namespace

absl::StatusOr<SimilarResults> FindSimilar(const ReaderContext& reader, const SimilarParams& p) {
  RETURN_IF_ERROR(CheckDeadlineBeforeStart(p.deadline, ""));
  SimilarResults out;
  Seed seed;
  if (!p.article_id.empty()) {
    ASSIGN_OR_RETURN(seed, ArticleSeed(reader, p));
    if (seed.empty_window) return out;  // nothing can match
  } else {
    seed = TextSeed(reader, p);
  }
  if (seed.terms.empty()) {
    if (!p.text.empty()) {
      return absl::InvalidArgumentError(
          "text has no words that occur in the index; give text with some indexable words");
    }
    return out;  // an article with nothing distinctive: no similar stories
  }

  Xapian::Enquire enquire(reader.db);
  enquire.set_query(FilteredQuery(WeightedOr(seed.terms), seed.filter, seed.exclude));
  const int page_size = std::clamp(p.page_size, 1, 100);
  const auto want =
      std::max<Xapian::doccount>(kCandidates, static_cast<Xapian::doccount>(page_size) * 2);
  Xapian::MSet mset = enquire.get_mset(0, want);
  RETURN_IF_ERROR(CheckDeadline(p.deadline, ""));

  const std::vector<float> seed_z = SeedVector(reader.model, seed);
  std::vector<Candidate> candidates = GatherCandidates(reader, seed, seed_z, mset, want);
  RETURN_IF_ERROR(CheckDeadline(p.deadline, ""));
  RescoreByFeedback(seed, seed_z, &candidates);
  RETURN_IF_ERROR(CheckDeadline(p.deadline, ""));
  FoldIntoHits(reader, seed, p, page_size, candidates, &out);
  RETURN_IF_ERROR(CheckDeadline(p.deadline, ""));
  return out;
}

}  // namespace storyline::index
