// What Search is asked for, and how it ranks: the option structs of
// Searcher::Search (index/searcher.h).
//
// Thread-safety: plain values.
#ifndef STORYLINE_INDEX_SEARCH_PARAMS_H_
#define STORYLINE_INDEX_SEARCH_PARAMS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace storyline::index {

// kRelevance: BM25, with the top results re-ranked by semantic similarity
// (see Searcher). kNewest: publish time, newest first. kRelevanceRecency:
// relevance scaled by a publish-time decay.
enum class SortOrder { kRelevance, kNewest, kRelevanceRecency };

// What to search for. The server validates requests before building one of
// these; the searcher clamps anything still out of range.
struct SearchParams {
  // Xapian query syntax; falls back to plain words when it does not parse.
  // Empty matches every article.
  std::string query;
  // Any of these topics / sources (case-insensitive); empty = no restriction.
  std::vector<std::string> topics;
  std::vector<std::string> sources;
  // Inclusive publish-time window; unset = open-ended.
  std::optional<absl::Time> published_after;
  std::optional<absl::Time> published_before;
  // First result (0-based) and page length.
  int64_t offset = 0;
  int page_size = 10;
  SortOrder order = SortOrder::kRelevance;
  // Facet fields to count: "topic", "source".
  std::vector<std::string> facets;
  // Keep article bodies in the hits (default: cleared to save bandwidth).
  bool include_body = false;
  // Build highlighted snippets (most of a query's CPU after the match).
  bool snippets = true;
  // Per hit, the matched terms' contributions to the score.
  bool explain = false;
  // Words that look like typos also match their corrections, at a lower
  // weight (index/typo_expansion.h); corrected_query says what was
  // searched. Off: the query is searched as typed and corrected_query is
  // only a suggestion.
  bool typo_tolerance = true;
  // With a remote shard lost, answer from the shards that still do
  // (SearchResults::missing_shards names the others) instead of failing
  // with kUnavailable.
  bool allow_partial = false;
  // Half-life of the kRelevanceRecency decay.
  absl::Duration recency_half_life = absl::Hours(24 * 7);
  // Keep kRelevance in first-stage (BM25) order even if a semantic model
  // exists now: the page token came from pages served before it did.
  bool first_stage_order = false;
  // The search fails with kDeadlineExceeded rather than answer after this.
  absl::Time deadline = absl::InfiniteFuture();
};

// Search's BM25 parameters (textbook values; Xapian's defaults are k1 1,
// b 0.5, which RankingOptions::plain keeps).
inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;

// How Search ranks (bench/README.md, "Search relevance").
struct RankingOptions {
  // Xapian's defaults instead of Storyline's: BM25 defaults, no stop
  // words, no re-ranking. For comparisons and as an operator fallback.
  bool plain = false;
  // Weight of the semantic similarity in the re-ranking (0 turns the
  // re-ranking off).
  double semantic_weight = 1.0;
  // How many first-stage (BM25) matches the semantic re-ranking reorders.
  // Deeper finds more; a window of K costs Xapian's matcher a top-K
  // instead of a top-10 (bench/README.md, "Search at the engine's limit").
  int rerank_depth = 100;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SEARCH_PARAMS_H_
