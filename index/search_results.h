// What Searcher::Search and Searcher::Stats answer (index/searcher.h).
//
// Thread-safety: plain values.
#ifndef STORYLINE_INDEX_SEARCH_RESULTS_H_
#define STORYLINE_INDEX_SEARCH_RESULTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

struct TermContribution {
  std::string term;
  double weight = 0;
};

struct SearchHit {
  storyline::v1::Article article;
  double score = 0;
  std::string snippet;                        // body extract, query terms in <em>...</em>
  std::vector<TermContribution> explanation;  // with SearchParams::explain
};

struct FacetCount {
  std::string value;
  int64_t count = 0;
};

struct Facet {
  std::string field;
  std::vector<FacetCount> values;  // by descending count
};

struct SearchResults {
  std::vector<SearchHit> hits;
  int64_t total_estimate = 0;
  bool has_more = false;        // another page exists after this one
  std::vector<Facet> facets;    // in the order requested
  std::string corrected_query;  // empty unless a spelling fix was found
  // The order was first-stage only (no semantic re-ranking), so later pages
  // must keep it (SearchParams::first_stage_order).
  bool first_stage_order = false;
  // Shards that did not answer (SearchParams::allow_partial): the results
  // are from the others only. Empty for a complete answer.
  std::vector<std::string> missing_shards;
};

struct IndexStatsData {
  int64_t article_count = 0;
  uint64_t revision = 0;
  int64_t disk_bytes = 0;
  std::optional<absl::Time> last_commit_time;
  // Articles in the current semantic model (0 while none is built).
  int64_t semantic_articles = 0;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SEARCH_RESULTS_H_
