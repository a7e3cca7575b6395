// Second-stage ranking of Search's first-stage (BM25) matches: by semantic
// similarity to the query (latent semantic indexing in the semantic
// model's topics view), or by a publish-time decay (kRelevanceRecency).
//
// Thread-safety: uses the reader's Database and DfCache, which belong to
// the calling Searcher's thread.
#ifndef STORYLINE_INDEX_RERANK_H_
#define STORYLINE_INDEX_RERANK_H_

#include <xapian.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "index/lsa.h"
#include "index/reader_context.h"

namespace storyline::index {

// Matches as (index into the MSet, score), in ranked order.
using RankedMatches = std::vector<std::pair<Xapian::doccount, double>>;

// Rescores the first `window` entries of `ranked` (in MSet order, BM25
// scores) as BM25 / `top` + `semantic_weight` * cosine(query, article) in
// `reader.model`'s topics view (must not be null), and returns each one's
// cosine. Does not reorder.
std::vector<double> ScoreBySemantic(const ReaderContext& reader, const Xapian::Query& query,
                                    double semantic_weight, const Xapian::MSet& mset, size_t window,
                                    double top, RankedMatches* ranked);

// Rescores the first `window` entries of `ranked` as relevance (BM25 /
// `top`, or 1 when the query weighs nothing) x (1 + decay) / 2, the decay
// halving every `half_life` of age relative to the newest of them. Does
// not reorder.
void ScoreByRecency(const Xapian::MSet& mset, size_t window, double top, absl::Duration half_life,
                    RankedMatches* ranked);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_RERANK_H_
