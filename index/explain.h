// Explanations of Search scores: each matched query word's BM25 share of a
// hit's score, the semantic similarity's share, and whatever the terms do
// not account for (phrase structure, recency decay, expansion).
//
// Thread-safety: uses the reader's Database, Stem and DfCache, which
// belong to the calling Searcher's thread.
#ifndef STORYLINE_INDEX_EXPLAIN_H_
#define STORYLINE_INDEX_EXPLAIN_H_

#include <xapian.h>

#include <string>
#include <vector>

#include "index/reader_context.h"
#include "index/search_params.h"
#include "index/search_results.h"

namespace storyline::index {

// A weighted query term and how explanations show it (the word as typed).
struct ExplainedTerm {
  std::string term;
  std::string shown;
};

// The word terms of `query` that can add weight, each shown as the user
// typed it in `text` ("barrages", not "barrag"). Computed once a search.
std::vector<ExplainedTerm> ExplainedTerms(const Xapian::Stem& stemmer, const Xapian::Query& query,
                                          const std::string& text);

// How a hit's score was made up.
struct HitScore {
  double score = 0;                    // the hit's final score
  double scale = 1;                    // BM25 per term is divided by this
  double semantic = 0;                 // the semantic cosine (0 if not re-ranked)
  const char* rest_label = "(other)";  // the label of the unexplained rest
};

// The `terms` that `doc` matches, with their share of `hit.score` (BM25 per
// term divided by `hit.scale`, plus the semantic cosine's part), best
// first, then the unexplained rest if it is not negligible.
std::vector<TermContribution> Explain(const ReaderContext& reader, const RankingOptions& ranking,
                                      const std::vector<ExplainedTerm>& terms, Xapian::docid did,
                                      const Xapian::Document& doc, const HitScore& hit);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_EXPLAIN_H_
