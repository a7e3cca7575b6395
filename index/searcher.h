// Searcher: one thread's read view of an index. It owns a Xapian::Database,
// a QueryParser and a stemmer, reopens the database before each request so
// new commits show up promptly, and retries once on DatabaseModifiedError.
//
// Thread-safety: not thread-safe (Xapian objects use plain refcounts). Give
// each thread its own Searcher; SearcherPool does exactly that.
#ifndef STORYLINE_INDEX_SEARCHER_H_
#define STORYLINE_INDEX_SEARCHER_H_

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "index/clusters.h"
#include "index/reader_context.h"
#include "index/recommender.h"
#include "index/semantic_space.h"
#include "index/similar_stories.h"
#include "storyline/v1/article.pb.h"

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
  // Half-life of the kRelevanceRecency decay.
  absl::Duration recency_half_life = absl::Hours(24 * 7);
  // Keep kRelevance in first-stage (BM25) order even if a semantic model
  // exists now: the page token came from pages served before it did.
  bool first_stage_order = false;
  // The search fails with kDeadlineExceeded rather than answer after this.
  absl::Time deadline = absl::InfiniteFuture();
};

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
};

struct IndexStatsData {
  int64_t article_count = 0;
  uint64_t revision = 0;
  int64_t disk_bytes = 0;
  std::optional<absl::Time> last_commit_time;
  // Articles in the current semantic model (0 while none is built).
  int64_t semantic_articles = 0;
};

// A stable fingerprint of everything in `params` that defines the result
// list (not offset, page_size, include_body or deadline). Page tokens carry
// it so a token cannot be replayed against a different query.
uint64_t SearchFingerprint(const SearchParams& params);

// Returns true if `field` is a facet field Search() understands.
bool IsFacetField(absl::string_view field);

// How Search ranks (bench/README.md, "Search relevance").
struct RankingOptions {
  // Xapian's defaults instead of Storyline's: BM25 defaults, no stop
  // words, no re-ranking. For comparisons and as an operator fallback.
  bool plain = false;
  // Weight of the semantic similarity in the re-ranking of the top 100
  // (0 turns the re-ranking off).
  double semantic_weight = 1.0;
};

class Searcher {
 public:
  // Opens the index in `dir` read-only. Fails with kNotFound if there is no
  // index there yet.
  // `semantic` (optional, must outlive the Searcher) supplies the latent
  // space SimilarStories blends in.
  static absl::StatusOr<std::unique_ptr<Searcher>> Open(const std::string& dir,
                                                        const SemanticSpace* semantic = nullptr,
                                                        RankingOptions ranking = {});

  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // Runs a search. Fails with kDeadlineExceeded if `params.deadline` passes
  // first, kInvalidArgument if the query cannot be searched at all.
  absl::StatusOr<SearchResults> Search(const SearchParams& params);

  // Stories similar to a stored article or a text (see similar_stories.h).
  absl::StatusOr<SimilarResults> Similar(const SimilarParams& params);

  // Topic clusters of a query's matches (see clusters.h).
  absl::StatusOr<ClusterResults> Clusters(const ClusterParams& params);

  // Recommendations from a reading history (see recommender.h).
  absl::StatusOr<RecommendResults> Recommend(const RecommendParams& params);

  // The stored article with `id`, body included. kNotFound if unknown.
  absl::StatusOr<storyline::v1::Article> Get(absl::string_view id);

  // Article count, revision, size on disk and last commit time.
  absl::StatusOr<IndexStatsData> Stats();

 private:
  Searcher(std::string dir, Xapian::Database db, const SemanticSpace* semantic,
           RankingOptions ranking);

  absl::StatusOr<SearchResults> SearchOnce(const SearchParams& params);
  // This reader's state for one call, with `model` (may be null).
  ReaderContext Reader(const LsaModel* model) {
    return {.db = db_, .stemmer = stemmer_, .df_cache = df_cache_, .model = model};
  }
  // Runs fn() after reopen(), retrying once on DatabaseModifiedError (or a
  // DatabaseCorruptError that concurrent commits explain, see Overtaken())
  // and mapping other Xapian errors to Status.
  template <typename Fn>
  auto WithFreshDatabase(const char* what, Fn fn) -> decltype(fn());
  // After a DatabaseCorruptError: true if a newer revision exists (the
  // Database is reopened to it), so the read was overtaken by commits and
  // may be retried; false if the corruption is real.
  bool Overtaken();
  Xapian::Query ParseQuery(const std::string& text, std::string* corrected);
  // The query's latent vector (topics view), and a document's cosine to it.
  std::vector<float> QueryVector(const LsaModel& model, const Xapian::Query& query);
  double Semantic(const LsaModel& model, const std::vector<float>& query_z, Xapian::docid did);
  // The semantic model now, or null (none configured or not built yet).
  std::shared_ptr<const LsaModel> CurrentModel() const;
  // A weighted query term and how explanations show it (the word as typed).
  struct ExplainedTerm {
    std::string term;
    std::string shown;
  };
  // The word terms of `query` that can add weight, computed once a search.
  std::vector<ExplainedTerm> ExplainedTerms(const Xapian::Query& query, const std::string& text);
  // The `terms` that `doc` matches, with their share of `score` (BM25 per
  // term divided by `scale`, plus the `semantic` cosine's part).
  std::vector<TermContribution> Explain(const std::vector<ExplainedTerm>& terms, Xapian::docid did,
                                        const Xapian::Document& doc, double score, double scale,
                                        double semantic, const char* rest_label);
  // `text` with each word whose stem is not indexed replaced by the
  // spelling dictionary's suggestion; empty if nothing was replaced.
  std::string CorrectSpelling(const std::string& text);

  const std::string dir_;
  Xapian::Database db_;
  const SemanticSpace* const semantic_;
  const RankingOptions ranking_;
  Xapian::Stem stemmer_;
  Xapian::QueryParser parser_;
  Xapian::SimpleStopper stopper_;
  DfCache df_cache_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SEARCHER_H_
