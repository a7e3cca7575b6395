#include "index/searcher.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "index/article_data.h"
#include "index/commit_clock.h"
#include "index/deadline.h"
#include "index/explain.h"
#include "index/facets.h"
#include "index/index_layout.h"
#include "index/query_terms.h"
#include "index/reachable_shards.h"
#include "index/schema.h"
#include "index/snippet.h"
#include "index/stored_document.h"
#include "index/xapian_status.h"

namespace storyline::index {
namespace {

using storyline::v1::Article;

constexpr char kSearch[] = "search";
constexpr size_t kSnippetBytes = 240;
// With facets, look at (up to) this many matches so counts are exact for
// any realistic result set.
constexpr Xapian::doccount kFacetCheckAtLeast = 100000;
constexpr Xapian::doccount kMinCheckAtLeast = 100;
constexpr size_t kMaxFacetValues = 100;
// Ranking (bench/README.md, "Search relevance"): textbook BM25 parameters
// (search_params.h); the top rerank_depth BM25 results re-ranked by
//   BM25 / best BM25 + semantic_weight (1.0) * cosine(query, article)
// in the semantic model's topics view (latent semantic indexing as a
// second-stage ranker; RankingOptions::rerank_depth, default 100).
// RELEVANCE_RECENCY re-ranks the top kRecencyDepth by
// relevance * (1 + decay) / 2.
constexpr Xapian::doccount kRecencyDepth = 1000;

std::optional<unsigned> FacetSlot(absl::string_view field) {
  if (field == "topic") return kSlotTopic;
  if (field == "source") return kSlotSource;
  return std::nullopt;
}

// The request's filter, built by the same code SimilarStories uses.
Xapian::Query BuildFilter(const SearchParams& p) {
  return FilterQuery({.topics = p.topics,
                      .sources = p.sources,
                      .published_after = p.published_after,
                      .published_before = p.published_before});
}

bool CountIsExact(const Xapian::MSet& mset) {
  return mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
}

// A read that commits overtook on both attempts (see Searcher::Overtaken).
absl::Status OvertakenError(absl::string_view what) {
  return absl::AbortedError(
      absl::StrCat(what, ": the index changed under the read twice (concurrent ingest); retry"));
}

// Every regular file's size under `dir`. Unreadable entries (lost+found on
// a mount point, say) are skipped rather than thrown about.
int64_t DiskBytes(const std::string& dir) {
  int64_t bytes = 0;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(
      dir, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    const uintmax_t size = it->file_size(fec);
    if (!fec) bytes += static_cast<int64_t>(size);
  }
  return bytes;
}

// A read of the index in `dir` failed with a NetworkError: kUnavailable
// naming the remote shard that does not answer (Xapian's message often
// names none), or with `e`'s text if every shard answers again.
absl::Status LostShardError(const std::string& dir, const Xapian::Error& e,
                            absl::string_view what) {
  if (absl::StatusOr<std::vector<ShardSpec>> shards = ShardSpecs(dir); shards.ok()) {
    if (absl::Status lost = FindUnreachableShard(*shards); !lost.ok()) {
      return absl::UnavailableError(absl::StrCat(what, ": ", lost.message()));
    }
  }
  return absl::UnavailableError(
      absl::StrCat(what, ": a remote shard did not answer (retry): ", e.get_description()));
}

// Revisions and commit times are per shard: adds up the revisions (the sum
// grows with every commit) and keeps the latest commit time.
absl::Status AddShardRevisions(const std::string& dir, IndexStatsData* stats) {
  ASSIGN_OR_RETURN(const std::vector<ShardSpec> shards, ShardSpecs(dir));
  for (const ShardSpec& shard : shards) {
    Xapian::Database db = OpenShardDatabase(shard);
    if (!shard.remote()) stats->revision += db.get_revision();  // remote shards have none
    int64_t ms = 0;
    if (absl::SimpleAtoi(db.get_metadata(kMetaLastCommit), &ms)) {
      const absl::Time t = absl::FromUnixMillis(ms);
      if (!stats->last_commit_time || t > *stats->last_commit_time) stats->last_commit_time = t;
    }
  }
  return absl::OkStatus();
}

}  // namespace

// What Search ranks and how deep. Re-ranked orders fetch their whole
// re-ranking window while the page falls inside it; past it, results keep
// their first-stage order.
struct Searcher::RankPlan {
  std::shared_ptr<const LsaModel> model;  // set for semantic re-ranking
  Xapian::doccount depth = 0;             // the re-ranking window; 0: none
  int page_size = 0;
  Xapian::doccount offset = 0;
  bool rerank = false;         // the page falls inside the window
  Xapian::doccount first = 0;  // the first match fetched
  Xapian::doccount want = 0;   // matches fetched
};

struct Searcher::FacetSpies {
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;  // one per known field
};

bool IsFacetField(absl::string_view field) { return FacetSlot(field).has_value(); }

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(const std::string& dir,
                                                         const SemanticSpace* semantic,
                                                         RankingOptions ranking,
                                                         const SynonymSet* synonyms) {
  try {
    // Auto-detect: a sharded index is a directory with an XAPIANDB stub.
    Xapian::Database db(dir);
    std::optional<Xapian::Database> spelling;
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(SpellingDir(dir)) / "iamglass", ec)) {
      spelling.emplace(SpellingDir(dir));
    }
    return std::unique_ptr<Searcher>(
        new Searcher(dir, std::move(db), std::move(spelling), semantic, ranking, synonyms));
  } catch (const Xapian::NetworkError& e) {
    return LostShardError(dir, e, absl::StrCat("opening index ", dir));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("opening index ", dir));
  }
}

Searcher::Searcher(std::string dir, Xapian::Database db, std::optional<Xapian::Database> spelling,
                   const SemanticSpace* semantic, RankingOptions ranking,
                   const SynonymSet* synonyms)
    : dir_(std::move(dir)),
      db_(std::move(db)),
      remote_(spelling.has_value()),
      spelling_(std::move(spelling)),
      semantic_(semantic),
      ranking_(ranking),
      stemmer_("english"),
      parser_(db_, spelling_ ? *spelling_ : db_, stemmer_, ranking_.plain),
      synonyms_(synonyms) {}

Xapian::Query Searcher::ParseQuery(const std::string& text, bool typo_tolerance,
                                   std::string* corrected) {
  if (synonyms_ == nullptr) return parser_.Parse(text, typo_tolerance, corrected);
  // One atomic load a search; the lock only after a reload.
  if (const uint64_t generation = synonyms_->generation(); generation != synonym_generation_) {
    synonym_table_ = synonyms_->Current();
    synonym_generation_ = generation;
    parser_.KeepSynonymWords(synonym_table_.get());
  }
  Xapian::Query query = parser_.Parse(text, typo_tolerance, corrected);
  return synonym_table_ != nullptr ? synonym_table_->Expand(query) : query;
}

absl::StatusOr<SearchResults> Searcher::Search(const SearchParams& params) {
  absl::StatusOr<SearchResults> out =
      WithFreshDatabase(kSearch, [&] { return SearchOnce(params); });
  if (out.ok() || !params.allow_partial || !remote_ || !absl::IsUnavailable(out.status())) {
    return out;
  }
  return SearchReachableShards(params, out.status());
}

absl::StatusOr<SearchResults> Searcher::SearchReachableShards(const SearchParams& params,
                                                              absl::Status lost) {
  absl::StatusOr<ReachableShards> reachable = OpenReachableShards(dir_);
  if (!reachable.ok()) return lost;
  if (reachable->missing.empty()) {  // back already
    return WithFreshDatabase(kSearch, [&] { return SearchOnce(params); });
  }
  // The stand-ins keep every document id, so the semantic model's rows and
  // the parser work unchanged on the shards that answer.
  Xapian::Database full = db_;
  UseDatabase(std::move(reachable->db));
  absl::StatusOr<SearchResults> out;
  try {
    out = SearchOnce(params);
  } catch (const Xapian::Error& e) {
    out = XapianErrorToStatus(e, kSearch);
  }
  UseDatabase(std::move(full));  // the next call reconnects it
  if (out.ok()) out->missing_shards = std::move(reachable->missing);
  return out;
}

absl::StatusOr<SearchResults> Searcher::SearchOnce(const SearchParams& p) {
  SearchResults out;
  RETURN_IF_ERROR(CheckDeadlineBeforeStart(p.deadline, kSearch));
  Xapian::Query query = HasQueryWords(p.query)
                            ? ParseQuery(p.query, p.typo_tolerance, &out.corrected_query)
                            : MatchEverything();
  if (Xapian::Query filter = BuildFilter(p); !filter.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
  }
  const RankPlan plan = PlanRanking(p);
  FacetSpies spies;
  ASSIGN_OR_RETURN(const Xapian::MSet mset, Match(query, p, plan, &spies));
  out.total_estimate = mset.get_matches_estimated();
  out.first_stage_order = p.order == SortOrder::kRelevance && plan.depth == 0;
  std::vector<double> semantic;
  const RankedMatches ranked = Rank(query, p, plan, mset, &semantic);
  out.has_more = ranked.size() > static_cast<size_t>(plan.page_size) &&
                 plan.offset + plan.page_size < static_cast<Xapian::doccount>(kMaxResultOffset);
  RETURN_IF_ERROR(FillHits(p, query, mset, plan, ranked, semantic, &out));
  for (size_t i = 0, s = 0; i < p.facets.size(); ++i) {
    Facet& facet = out.facets.emplace_back();
    facet.field = p.facets[i];
    if (!FacetSlot(p.facets[i])) continue;
    facet.values = FoldedFacetCounts(*spies.spies[s++], kMaxFacetValues);
  }
  RETURN_IF_ERROR(CheckDeadline(p.deadline, kSearch));
  return out;
}

Searcher::RankPlan Searcher::PlanRanking(const SearchParams& p) const {
  RankPlan plan;
  plan.page_size = std::clamp(p.page_size, 1, kMaxPageSize);
  plan.offset = static_cast<Xapian::doccount>(std::clamp<int64_t>(p.offset, 0, kMaxResultOffset));
  if (HasQueryWords(p.query) && p.order == SortOrder::kRelevance && semantic_ != nullptr &&
      !ranking_.plain && ranking_.semantic_weight > 0 && !p.first_stage_order) {
    plan.model = CurrentModel();
    if (plan.model != nullptr) {
      plan.depth = static_cast<Xapian::doccount>(std::clamp(ranking_.rerank_depth, 1, 1000));
    }
  } else if (p.order == SortOrder::kRelevanceRecency) {
    plan.depth = kRecencyDepth;
  }
  plan.rerank = plan.depth > 0 && plan.offset < plan.depth;
  plan.first = plan.rerank ? 0 : plan.offset;
  plan.want = plan.rerank ? std::max<Xapian::doccount>(plan.depth, plan.offset + plan.page_size + 1)
                          : plan.page_size + 1;
  return plan;
}

absl::StatusOr<Xapian::MSet> Searcher::Match(const Xapian::Query& query, const SearchParams& p,
                                             const RankPlan& plan, FacetSpies* spies) {
  Xapian::Enquire enquire(db_);
  if (!ranking_.plain) {
    enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, 0.5));
  }
  enquire.set_query(query);
  if (p.order == SortOrder::kNewest) {
    enquire.set_sort_by_value_then_relevance(kSlotPublishTime, true);
  }
  if (p.deadline != absl::InfiniteFuture()) {
    // Parsing and spelling may have used the budget up; a negative limit
    // would mean "no limit" to Xapian.
    const double remaining = absl::ToDoubleSeconds(p.deadline - absl::Now());
    if (remaining <= 0) return DeadlineError(kSearch);
    enquire.set_time_limit(std::max(remaining, 0.001));
  }
  for (const std::string& field : p.facets) {
    auto slot = FacetSlot(field);
    if (!slot) continue;
    spies->spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(*slot));
    enquire.add_matchspy(spies->spies.back().get());
  }
  // With facets, look at every match so counts are exact. Without, only
  // at what the page needs: asking for more slows the matcher's pruning
  // on every query. A small result set whose count came out as an
  // estimate (Xapian's bare estimate is far off on small corpora) is
  // matched again to count it exactly, which is cheap because it is small.
  const Xapian::doccount needed = plan.first + plan.want;
  Xapian::MSet mset =
      enquire.get_mset(plan.first, plan.want, spies->spies.empty() ? needed : kFacetCheckAtLeast);
  if (spies->spies.empty() && !CountIsExact(mset) &&
      mset.get_matches_lower_bound() < needed + kMinCheckAtLeast) {
    mset = enquire.get_mset(plan.first, plan.want, needed + kMinCheckAtLeast);
  }
  RETURN_IF_ERROR(CheckDeadline(p.deadline, kSearch));
  return mset;
}

RankedMatches Searcher::Rank(const Xapian::Query& query, const SearchParams& p,
                             const RankPlan& plan, const Xapian::MSet& mset,
                             std::vector<double>* semantic) {
  // Ranked list of (mset index, score) from `offset` on.
  RankedMatches ranked;
  ranked.reserve(mset.size());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    ranked.emplace_back(it.get_rank() - plan.first, it.get_weight());
  }
  const double top = std::max(1e-9, mset.get_max_attained());
  if (!plan.rerank) {
    // Past the re-ranking window: the same scale as the pages before it.
    if (plan.depth > 0) {
      for (auto& r : ranked) r.second /= top;
    }
    return ranked;
  }
  const size_t window = std::min<size_t>(ranked.size(), plan.depth);
  if (p.order == SortOrder::kRelevance) {
    *semantic = ScoreBySemantic(Reader(plan.model.get()), query, ranking_.semantic_weight, mset,
                                window, top, &ranked);
  } else {
    ScoreByRecency(mset, window, top, p.recency_half_life, &ranked);
  }
  std::stable_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(window),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (size_t r = window; r < ranked.size(); ++r) ranked[r].second /= top;
  ranked.erase(ranked.begin(), ranked.begin() + std::min<size_t>(plan.offset, ranked.size()));
  return ranked;
}

absl::Status Searcher::FillHits(const SearchParams& p, const Xapian::Query& query,
                                const Xapian::MSet& mset, const RankPlan& plan,
                                const RankedMatches& ranked, const std::vector<double>& semantic,
                                SearchResults* out) {
  out->hits.reserve(std::min<size_t>(ranked.size(), plan.page_size));
  const Highlighter highlighter(stemmer_, QueryStems(query));
  const std::vector<ExplainedTerm> explained_terms =
      p.explain ? ExplainedTerms(stemmer_, query, p.query) : std::vector<ExplainedTerm>();
  for (size_t n = 0; n < ranked.size() && n < static_cast<size_t>(plan.page_size); ++n) {
    const auto it = mset[ranked[n].first];
    SearchHit& hit = out->hits.emplace_back();
    const Xapian::Document doc = it.get_document();
    if (absl::Status s = DecodeArticleData(doc.get_data(), &hit.article); !s.ok()) {
      return absl::DataLossError(
          absl::StrCat("document ", *it, ": ", s.message(), "; re-ingest it"));
    }
    hit.score = ranked[n].second;
    if (p.explain) {
      hit.explanation = Explain(
          Reader(nullptr), ranking_, explained_terms, *it, doc,
          {.score = hit.score,
           .scale = plan.depth > 0 ? std::max(1e-9, mset.get_max_attained()) : 1.0,
           .semantic = ranked[n].first < semantic.size() ? semantic[ranked[n].first] : 0.0,
           .rest_label = p.order == SortOrder::kRelevanceRecency ? "(recency decay)" : "(other)"});
    }
    if (p.snippets) {
      hit.snippet = highlighter.Snippet(
          hit.article.body().empty() ? hit.article.title() : hit.article.body(), kSnippetBytes);
    }
    if (!p.include_body) hit.article.clear_body();
  }
  return absl::OkStatus();
}

std::shared_ptr<const LsaModel> Searcher::CurrentModel() const {
  return semantic_ != nullptr ? semantic_->Current() : nullptr;
}

bool Searcher::Overtaken() {
  // Xapian 1.4 readers are not isolated from the writer: a read that
  // commits overtake fails with DatabaseModifiedError or, if it lands on a
  // block the writer has already reused, with DatabaseCorruptError ("Expected
  // block 18 to be level 1, not 0"; seen under concurrent ingest). If the
  // index has moved on since, that was the case; on the latest revision
  // the corruption is real.
  try {
    if (!db_.reopen()) return false;
    ForgetCounts();
    return true;
  } catch (const Xapian::Error&) {
    return false;
  }
}

void Searcher::Reconnect() { UseDatabase(Xapian::Database(dir_)); }

void Searcher::UseDatabase(Xapian::Database db) {
  db_ = std::move(db);
  parser_.Rebind();  // Xapian's QueryParser keeps its own handle to the old one
  df_cache_.Clear();
}

void Searcher::ForgetCounts() {
  df_cache_.Clear();
  parser_.IndexChanged();
}

void Searcher::Refresh(bool force) {
  if (remote_ && !force) {
    const uint64_t commits = IndexCommitsSoFar();  // before reopen(): none is missed
    const absl::Time now = absl::Now();
    if (commits == commits_seen_ && now - refreshed_ < kRemoteRefreshInterval) return;
    commits_seen_ = commits;
    refreshed_ = now;
  }
  if (db_.reopen()) ForgetCounts();
  if (spelling_) spelling_->reopen();
}

bool Searcher::OpenAgain() {
  // A read replica's shard that xapian-replicate replaced with a full copy
  // lives in another directory (replica_0 <-> replica_1, named by the
  // shard's own stub), and the old one is deleted: reopen() keeps looking
  // for the old files and fails with DatabaseNotFoundError, so the index
  // is opened again from its stubs.
  try {
    Reconnect();
    return true;
  } catch (const Xapian::Error&) {
    return false;
  }
}

// Reads overtaken by commits (DatabaseModifiedError) are tried this often.
constexpr int kOvertakenAttempts = 3;

template <typename Fn>
auto Searcher::WithFreshDatabase(absl::string_view what, Fn fn) -> decltype(fn()) {
  for (int attempt = 0;; ++attempt) {
    try {
      Refresh(/*force=*/attempt > 0);
      return fn();
    } catch (const Xapian::NetworkError& e) {
      // A remote shard's connection broke (its server restarted, or went
      // away): reconnect and try once more, else name the shard.
      if (attempt >= 1) return LostShardError(dir_, e, what);
      try {
        Reconnect();
      } catch (const Xapian::Error& again) {
        return LostShardError(dir_, again, what);
      }
    } catch (const Xapian::DatabaseModifiedError& e) {
      // A read replica applies a changeset every sync interval; a slow read
      // can be overtaken more than once in a row.
      if (attempt >= kOvertakenAttempts - 1) return XapianErrorToStatus(e, what);
    } catch (const Xapian::DatabaseCorruptError& e) {
      // The writer may reuse a block before it commits the revision that
      // frees it, so the read is tried once more even when no newer
      // revision shows yet; real corruption fails the second attempt too.
      const bool overtaken = Overtaken();
      if (attempt >= 1) return overtaken ? OvertakenError(what) : XapianErrorToStatus(e, what);
    } catch (const Xapian::DatabaseOpeningError& e) {  // DatabaseNotFoundError included
      if (attempt >= 1 || !OpenAgain()) return XapianErrorToStatus(e, what);
    } catch (const Xapian::Error& e) {
      return XapianErrorToStatus(e, what);
    }
  }
}

absl::StatusOr<SimilarResults> Searcher::Similar(const SimilarParams& params) {
  // Holding the model keeps it alive if a rebuild swaps it meanwhile.
  const std::shared_ptr<const LsaModel> model = CurrentModel();
  return WithFreshDatabase("similar stories",
                           [&] { return FindSimilar(Reader(model.get()), params); });
}

absl::StatusOr<ClusterResults> Searcher::Clusters(const ClusterParams& params) {
  const std::shared_ptr<const LsaModel> model = CurrentModel();
  return WithFreshDatabase("topic clusters", [&]() -> absl::StatusOr<ClusterResults> {
    Xapian::Query query;
    if (HasQueryWords(params.query)) {
      std::string unused;  // clusters match what Search would match
      query = ParseQuery(params.query, /*typo_tolerance=*/true, &unused);
    }
    return FindClusters(Reader(model.get()), query, params);
  });
}

absl::StatusOr<RecommendResults> Searcher::Recommend(const RecommendParams& params) {
  const std::shared_ptr<const LsaModel> model = CurrentModel();
  return WithFreshDatabase("recommend",
                           [&] { return FindRecommendations(Reader(model.get()), params); });
}

absl::StatusOr<Article> Searcher::Get(absl::string_view id) {
  return WithFreshDatabase(absl::StrCat("get ", id), [&]() -> absl::StatusOr<Article> {
    std::optional<Xapian::docid> did = FindDocId(db_, id);
    if (!did) return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
    Article article;
    if (absl::Status s = DecodeArticleData(db_.get_document(*did).get_data(), &article); !s.ok()) {
      return absl::DataLossError(absl::StrCat("article ", id, ": ", s.message()));
    }
    return article;
  });
}

absl::StatusOr<IndexStatsData> Searcher::Stats() {
  return WithFreshDatabase("index stats", [&]() -> absl::StatusOr<IndexStatsData> {
    try {
      IndexStatsData stats;
      stats.article_count = db_.get_doccount();
      if (std::shared_ptr<const LsaModel> model = CurrentModel()) {
        stats.semantic_articles = static_cast<int64_t>(model->document_count());
      }
      RETURN_IF_ERROR(AddShardRevisions(dir_, &stats));
      stats.disk_bytes = DiskBytes(dir_);
      return stats;
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat("index stats: ", e.what()));
    }
  });
}

}  // namespace storyline::index
