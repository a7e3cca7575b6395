// Searcher: one thread's read view of an index. It owns a Xapian::Database,
// a query parser and a stemmer, reopens the database before each request so
// new commits show up promptly, and retries once on DatabaseModifiedError.
// It opens the index and dispatches each request: search here (first-stage
// match, re-ranking in rerank.h, explanations in explain.h), similar
// stories, clusters and recommendations in their own files.
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
#include "index/query_parser.h"
#include "index/reader_context.h"
#include "index/recommender.h"
#include "index/rerank.h"
#include "index/search_params.h"
#include "index/search_results.h"
#include "index/semantic_space.h"
#include "index/similar_stories.h"
#include "index/synonyms.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

// Returns true if `field` is a facet field Search() understands.
bool IsFacetField(absl::string_view field);

class Searcher {
 public:
  // Opens the index in `dir` read-only. Fails with kNotFound if there is no
  // index there yet.
  // `semantic` (optional, must outlive the Searcher) supplies the latent
  // space SimilarStories blends in; `synonyms` (optional, likewise) the
  // synonyms Search and Clusters expand queries with.
  static absl::StatusOr<std::unique_ptr<Searcher>> Open(const std::string& dir,
                                                        const SemanticSpace* semantic = nullptr,
                                                        RankingOptions ranking = {},
                                                        const SynonymSet* synonyms = nullptr);

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
  Searcher(std::string dir, Xapian::Database db, std::optional<Xapian::Database> spelling,
           const SemanticSpace* semantic, RankingOptions ranking, const SynonymSet* synonyms);

  // How stale a remote index may be read when this process has not
  // committed to it since (another process's writes show up this late).
  static constexpr absl::Duration kRemoteRefreshInterval = absl::Milliseconds(200);

  // What Search ranks and how deep (see searcher.cc).
  struct RankPlan;
  struct FacetSpies;

  absl::StatusOr<SearchResults> SearchOnce(const SearchParams& params);
  // After `lost` (kUnavailable: a remote shard does not answer), the same
  // search over the shards that do, with the others named in
  // missing_shards; `lost` if none answers.
  absl::StatusOr<SearchResults> SearchReachableShards(const SearchParams& params,
                                                      absl::Status lost);
  RankPlan PlanRanking(const SearchParams& params) const;
  // The first stage: the matches of `query` that the page (or its
  // re-ranking window) needs, with facet counts.
  absl::StatusOr<Xapian::MSet> Match(const Xapian::Query& query, const SearchParams& params,
                                     const RankPlan& plan, FacetSpies* spies);
  // Second stage: the matches from the page's offset on, re-ranked inside
  // the plan's window; `*semantic` gets the semantic cosines by MSet index.
  RankedMatches Rank(const Xapian::Query& query, const SearchParams& params, const RankPlan& plan,
                     const Xapian::MSet& mset, std::vector<double>* semantic);
  // The page's hits: `ranked` from its first entry, at most a page of them.
  absl::Status FillHits(const SearchParams& params, const Xapian::Query& query,
                        const Xapian::MSet& mset, const RankPlan& plan, const RankedMatches& ranked,
                        const std::vector<double>& semantic, SearchResults* out);
  // Runs fn() after reopen(), trying up to 3 times on DatabaseModifiedError
  // and twice on a DatabaseCorruptError that concurrent commits explain (see
  // Overtaken()), and mapping other Xapian errors to Status. Every entry
  // point uses it.
  template <typename Fn>
  auto WithFreshDatabase(absl::string_view what, Fn fn) -> decltype(fn());
  // Reopens the database at its latest revision. A local index always
  // (reopen() reads one file); a remote one, whose reopen() is a round
  // trip per shard, after a commit of this process (commit_clock.h) or
  // kRemoteRefreshInterval, or when `force`d.
  void Refresh(bool force);
  // What was read of an older revision is forgotten.
  void ForgetCounts();
  // After a DatabaseCorruptError: true if a newer revision exists (the
  // Database is reopened to it), so the read was overtaken by commits and
  // may be retried; false if the corruption is real.
  bool Overtaken();
  // After a NetworkError (a remote shard's server went away): opens the
  // index afresh, so a shard that is back is reconnected. Throws what the
  // open throws.
  void Reconnect();
  // Reads `db` from now on, forgetting what was read of the one before.
  void UseDatabase(Xapian::Database db);
  // After a DatabaseOpeningError: opens the index again from its stubs (a
  // read replica's shard moved to a new directory); false if it cannot.
  bool OpenAgain();
  // Parses `text` and expands it with the current synonyms.
  Xapian::Query ParseQuery(const std::string& text, bool typo_tolerance, std::string* corrected);
  // The semantic model now, or null (none configured or not built yet).
  std::shared_ptr<const LsaModel> CurrentModel() const;
  // This reader's state for one call, with `model` (may be null).
  ReaderContext Reader(const LsaModel* model) {
    return {.db = db_, .stemmer = stemmer_, .df_cache = df_cache_, .model = model};
  }

  const std::string dir_;
  Xapian::Database db_;
  // Remote indexes (a separate spelling database) reopen by Refresh()'s
  // rule; the commit count and time of the last reopen.
  const bool remote_;
  uint64_t commits_seen_ = 0;
  absl::Time refreshed_ = absl::InfinitePast();
  // A remote index's spelling dictionary (index_layout.h SpellingDir);
  // empty when it lives in db_.
  std::optional<Xapian::Database> spelling_;
  const SemanticSpace* const semantic_;
  const RankingOptions ranking_;
  Xapian::Stem stemmer_;
  SearchQueryParser parser_;  // uses db_, spelling_ and stemmer_
  DfCache df_cache_;
  const SynonymSet* const synonyms_;
  // synonyms_->Current() as of synonym_generation_ (re-read when it moves).
  std::shared_ptr<const SynonymTable> synonym_table_;
  uint64_t synonym_generation_ = 0;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SEARCHER_H_
