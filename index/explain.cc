#include "index/explain.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "index/query_terms.h"
#include "index/schema.h"
#include "index/text_tokens.h"

namespace storyline::index {
namespace {

// BM25 of one term, as Xapian's BM25Weight computes it (k2 = 0, k3 = 1,
// min_normlen 0.5), for a term with document frequency `df` and
// within-document frequency `wdf` in a document of normalized length
// `normlen`, in a collection of `n`.
double Bm25TermWeight(const RankingOptions& ranking, double n, double df, double wdf,
                      double normlen) {
  double tw = (n - df + 0.5) / (df + 0.5);
  if (tw < 2) tw = tw * 0.5 + 1;
  // Xapian's defaults under plain ranking: k1 1, b 0.5.
  const double k1 = ranking.plain ? 1.0 : kBm25K1, b = ranking.plain ? 0.5 : kBm25B;
  return std::log(tw) * (k1 + 1) * wdf / (k1 * (normlen * b + (1 - b)) + wdf);
}

}  // namespace

std::vector<ExplainedTerm> ExplainedTerms(const Xapian::Stem& stemmer, const Xapian::Query& query,
                                          const std::string& text) {
  // The words as typed, by stem, so "barrages" explains as "barrages".
  absl::flat_hash_map<std::string, std::string> typed;
  ForEachWord(text, WordChars::kLettersAndDigits, [&](WordSpan w) {
    const std::string word = text.substr(w.begin, w.end - w.begin);
    typed.try_emplace("Z" + stemmer(FoldCase(word)), word);
  });
  std::vector<ExplainedTerm> out;
  for (const std::string& term : PositiveTerms(query)) {
    if (term.empty() || term[0] != 'Z') continue;  // boolean filter terms weigh nothing
    // Title terms ("ZSbarrag") explain as the word too.
    const std::string word_term = term.compare(0, 2, "ZS") == 0 ? "Z" + term.substr(2) : term;
    auto found = typed.find(word_term);
    out.push_back({term, found != typed.end() ? found->second : word_term.substr(1)});
  }
  return out;
}

std::vector<TermContribution> Explain(const ReaderContext& reader, const RankingOptions& ranking,
                                      const std::vector<ExplainedTerm>& terms, Xapian::docid did,
                                      const Xapian::Document& doc, const HitScore& hit) {
  Xapian::Database& db = reader.db;
  const double n = std::max<double>(1, db.get_doccount());
  const double avlen = std::max(1e-9, db.get_avlength());
  const double normlen = std::max(db.get_doclength(did) / avlen, 0.5);
  std::vector<TermContribution> out;
  double explained = 0;
  for (const auto& [term, shown] : terms) {
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(term);
    if (t == doc.termlist_end() || *t != term || t.get_wdf() == 0) continue;
    const double df = std::max<double>(1, reader.df_cache.Get(db, term));
    const double w = Bm25TermWeight(ranking, n, df, t.get_wdf(), normlen) / hit.scale;
    out.push_back({shown, w});
    explained += w;
  }
  if (hit.semantic != 0) {
    out.push_back({"(semantic similarity)", ranking.semantic_weight * hit.semantic});
    explained += ranking.semantic_weight * hit.semantic;
  }
  std::sort(out.begin(), out.end(), [](const TermContribution& a, const TermContribution& b) {
    return a.weight > b.weight || (a.weight == b.weight && a.term < b.term);
  });
  // Whatever the terms do not account for: phrase structure, recency
  // decay, expansion.
  const double rest = hit.score - explained;
  if (std::abs(rest) > 1e-6 * std::max(1.0, std::abs(hit.score))) {
    out.push_back({hit.rest_label, rest});
  }
  return out;
}

}  // namespace storyline::index
