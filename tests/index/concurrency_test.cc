// Everything at once on one index, in one process: Search, SimilarStories,
// TopicClusters, Recommend, Get and Stats on SearcherPool workers (and
// inline on other threads), while ingest threads prepare articles and
// upsert them through WritePipeline's shard writers, a delete thread
// removes some, commits land every few operations, and SemanticSpace
// rebuilds its model in the background and on demand.
//
// This is where Storyline's own shared state lives (the pool's queue, the
// pipeline's shard queues and health, the semantic model swap, write
// sessions), so it is the test scripts/sanitize.sh runs under
// ThreadSanitizer; in the normal build it checks that every operation
// answers and that the index ends up with exactly the articles it should.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "index/article_indexer.h"
#include "index/index_layout.h"
#include "index/searcher.h"
#include "index/searcher_pool.h"
#include "index/semantic_space.h"
#include "index/write_pipeline.h"
#include "index/write_session.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::testing::IsOk;
using ::storyline::testing::TempDir;

// Four themes with their own words, plus words every article may use, so
// the semantic model and the clusters have structure to find.
const std::vector<std::vector<std::string>>& Themes() {
  static const auto* const themes = new std::vector<std::vector<std::string>>{
      {"tidal", "barrage", "solar", "turbine", "grid", "power", "energy", "harbour"},
      {"striker", "goal", "cup", "final", "league", "keeper", "penalty", "rovers"},
      {"rates", "bank", "mortgage", "inflation", "prices", "loan", "savings", "market"},
      {"rocket", "launch", "orbit", "engine", "satellite", "moon", "crew", "capsule"}};
  return *themes;
}
const char* const kTopics[] = {"energy", "sport", "business", "science"};
const char* const kShared[] = {"council", "week", "report", "town", "people", "plan"};

storyline::v1::Article Generate(const std::string& id, int theme, std::mt19937& rng) {
  const std::vector<std::string>& words = Themes()[theme];
  std::uniform_int_distribution<size_t> pick(0, words.size() - 1);
  std::uniform_int_distribution<size_t> shared(0, std::size(kShared) - 1);
  std::vector<std::string> title, body;
  for (int i = 0; i < 3; ++i) title.push_back(words[pick(rng)]);
  for (int i = 0; i < 24; ++i) body.push_back(i % 5 == 4 ? kShared[shared(rng)] : words[pick(rng)]);
  return MakeArticle({.id = id,
                      .title = absl::StrJoin(title, " "),
                      .body = absl::StrJoin(body, " "),
                      .topic = kTopics[theme],
                      .source = theme % 2 == 0 ? "Harbour Herald" : "Valley Times",
                      .publish_unix = 1740000000 + static_cast<int64_t>(rng() % 10000000)});
}

// Waits for a commit submitted to `pipeline` and returns its result.
absl::StatusOr<uint64_t> Commit(WritePipeline& pipeline, std::shared_ptr<WriteSession> session,
                                std::shared_ptr<const SpellingCounts> spelling = nullptr) {
  absl::Notification done;
  absl::StatusOr<uint64_t> result;
  pipeline.SubmitCommit(
      std::move(spelling),
      [&](absl::StatusOr<uint64_t> r) {
        result = std::move(r);
        done.Notify();
      },
      [session](const IndexWriter& writer, size_t) { return session->CheckCommitted(writer); });
  done.WaitForNotification();
  if (absl::Status failed = session->failure(); !failed.ok()) return failed;
  return result;
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  static constexpr int kInitial = 48;       // articles before the storm
  static constexpr int kIngestThreads = 2;  // each writes kPerIngester new articles...
  static constexpr int kPerIngester = 60;
  static constexpr int kBatch = 12;    // ...committing every kBatch
  static constexpr int kDeletes = 24;  // initial articles the delete thread removes
  static constexpr int kReaders = 3;   // threads submitting read jobs
  static constexpr int kReadsPerReader = 40;

  void SetUp() override {
    auto writers = OpenShardWriters(dir_.path(), 2);
    ASSERT_THAT(writers, IsOk());
    pipeline_ = std::make_unique<WritePipeline>(std::move(*writers), /*max_queue=*/16);
    std::mt19937 rng(1);
    auto session = std::make_shared<WriteSession>();
    ArticleIndexer indexer;
    SpellingCounts spelling;
    for (int i = 0; i < kInitial; ++i)
      Upsert(indexer, Generate(InitialId(i), i % 4, rng), session, &spelling);
    ASSERT_THAT(Commit(*pipeline_, session, std::make_shared<SpellingCounts>(spelling)), IsOk());
    semantic_ = std::make_unique<SemanticSpace>(
        SemanticSpaceOptions{.index_dir = dir_.path(),
                             .lsa = {.rank = 8, .similarity_dims = 4},
                             .check_interval = absl::Milliseconds(5),
                             .min_rebuild_interval = absl::Milliseconds(20)});
    pool_ = std::make_unique<SearcherPool>(SearcherPoolOptions{
        .index_dir = dir_.path(), .threads = 2, .max_queue = 4096, .semantic = semantic_.get()});
  }

  void TearDown() override {
    pool_.reset();  // before the semantic space its searchers read
    semantic_.reset();
    pipeline_.reset();
  }

  static std::string InitialId(int i) { return absl::StrCat("init-", i); }

  void Upsert(ArticleIndexer& indexer, const storyline::v1::Article& article,
              std::shared_ptr<WriteSession> session, SpellingCounts* spelling) {
    absl::StatusOr<PreparedArticle> prepared = indexer.Prepare(article, spelling);
    ASSERT_THAT(prepared, IsOk());
    auto doc = std::make_shared<PreparedArticle>(std::move(*prepared));
    pipeline_->SubmitFor(doc->id, [doc, session](IndexWriter& writer) {
      session->Wrote(writer, writer.Upsert(*doc).status());
    });
  }

  // Ingest thread `t`: new articles in batches, each batch committed.
  void Ingest(int t) {
    std::mt19937 rng(100 + t);
    ArticleIndexer indexer;
    for (int start = 0; start < kPerIngester; start += kBatch) {
      auto session = std::make_shared<WriteSession>();
      SpellingCounts spelling;
      for (int i = start; i < start + kBatch; ++i) {
        Upsert(indexer, Generate(absl::StrCat("new-", t, "-", i), (i + t) % 4, rng), session,
               &spelling);
      }
      EXPECT_THAT(Commit(*pipeline_, session, std::make_shared<SpellingCounts>(spelling)), IsOk());
    }
  }

  // Deletes the first kDeletes initial articles, a few per commit.
  void Delete() {
    for (int start = 0; start < kDeletes; start += 4) {
      auto session = std::make_shared<WriteSession>();
      for (int i = start; i < start + 4; ++i) {
        const std::string id = InitialId(i);
        pipeline_->SubmitFor(id, [id, session](IndexWriter& writer) {
          absl::StatusOr<bool> deleted = writer.Delete(id);
          session->Wrote(writer, deleted.status());
          EXPECT_THAT(deleted, IsOk());
        });
      }
      EXPECT_THAT(Commit(*pipeline_, session), IsOk());
    }
  }

  // An error no concurrent writer can explain (OK otherwise). Legitimate
  // answers: a deleted seed, no semantic model yet, and ABORTED (which
  // clients retry) from a read that commits overtook twice or from opening
  // a searcher while a commit landed.
  static absl::Status Unexplained(const absl::Status& s, int n) {
    if (s.ok() || absl::IsNotFound(s) || absl::IsUnavailable(s) || absl::IsAborted(s)) {
      return absl::OkStatus();
    }
    return absl::Status(s.code(), absl::StrCat("read ", n, " (kind ", n % 6, "): ", s.message()));
  }

  // One read of kind `n % 6` on `searcher`; see Unexplained().
  absl::Status Read(Searcher& searcher, int n) {
    const std::string id = InitialId(n % kInitial);  // may be deleted meanwhile
    auto allowed = [n](const absl::Status& s) { return Unexplained(s, n); };
    switch (n % 6) {
      case 0: {
        SearchParams p;
        p.query = n % 12 == 0 ? "" : Themes()[n % 4][n % 8];
        p.facets = {"topic"};
        p.explain = true;
        p.order = static_cast<SortOrder>(n % 3);
        return allowed(searcher.Search(p).status());
      }
      case 1: {
        SimilarParams p;
        if (n % 2 == 0) {
          p.article_id = id;
        } else {
          p.text = absl::StrCat(Themes()[n % 4][0], " ", Themes()[n % 4][1], " council");
        }
        return allowed(searcher.Similar(p).status());
      }
      case 2: {
        ClusterParams p;
        p.cluster_count = n % 3 == 0 ? 0 : 4;
        return allowed(searcher.Clusters(p).status());
      }
      case 3: {
        RecommendParams p;
        p.history = {{.article_id = id}, {.article_id = InitialId((n + 7) % kInitial)}};
        p.diversity = 0.5;
        return allowed(searcher.Recommend(p).status());
      }
      case 4:
        return allowed(searcher.Get(id).status());
      default:
        return allowed(searcher.Stats().status());
    }
  }

  TempDir dir_;
  std::unique_ptr<WritePipeline> pipeline_;
  std::unique_ptr<SemanticSpace> semantic_;
  std::unique_ptr<SearcherPool> pool_;
};

TEST_F(ConcurrencyTest, SearchSimilarClustersIngestAndDeleteAtOnce) {
  std::atomic<int> reads_done{0};
  absl::Mutex mu;
  std::vector<std::string> bad_reads;
  std::vector<std::thread> threads;
  for (int t = 0; t < kIngestThreads; ++t) threads.emplace_back([this, t] { Ingest(t); });
  threads.emplace_back([this] { Delete(); });
  // On demand, as a caller of Refresh() would, racing the background loop.
  threads.emplace_back([this] {
    for (int i = 0; i < 5; ++i) {
      // ABORTED: the build was overtaken by commits (the background loop
      // then simply builds again); UNAVAILABLE: the index could not be read.
      absl::Status s = semantic_->Refresh();
      EXPECT_TRUE(s.ok() || absl::IsFailedPrecondition(s) || absl::IsAborted(s) ||
                  absl::IsUnavailable(s))
          << s;
    }
  });
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      for (int i = 0; i < kReadsPerReader; ++i) {
        const int n = r * kReadsPerReader + i;
        auto job = [&, n](absl::StatusOr<Searcher*> searcher) {
          absl::Status s = searcher.ok() ? Read(**searcher, n) : Unexplained(searcher.status(), n);
          if (!s.ok()) {
            absl::MutexLock lock(&mu);
            bad_reads.push_back(s.ToString());
          }
          reads_done.fetch_add(1);
        };
        // Every third read runs inline on this thread (--inline_reads).
        if (i % 3 == 2) {
          pool_->RunInline(job);
        } else {
          ASSERT_THAT(pool_->Submit(job), IsOk());
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  pool_.reset();  // drains the queue
  EXPECT_EQ(reads_done.load(), kReaders * kReadsPerReader);
  EXPECT_THAT(bad_reads, ::testing::IsEmpty());

  // Exactly the surviving initial articles and every new one remain.
  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(dir_.path());
  ASSERT_THAT(searcher, IsOk());
  absl::StatusOr<IndexStatsData> stats = (*searcher)->Stats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->article_count, kInitial - kDeletes + kIngestThreads * kPerIngester);
  EXPECT_TRUE(absl::IsNotFound((*searcher)->Get(InitialId(0)).status()));
  EXPECT_THAT((*searcher)->Get(InitialId(kInitial - 1)), IsOk());
  EXPECT_THAT((*searcher)->Get(absl::StrCat("new-1-", kPerIngester - 1)), IsOk());
}

// Xapian::Query::MatchAll is one static object with a plain (non-atomic)
// reference count, so copying it on several threads at once corrupts the
// count; Xapian's query.h says to build Query(std::string()) instead.
// (Found by TSan in the test above: an empty-query Search on one worker
// and an empty-query TopicClusters on another.) Here many threads run
// empty queries; the static's count must end where it started.
TEST(XapianMatchAllTest, EmptyQueriesOnManyThreadsLeaveTheSharedMatchAllAlone) {
  TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(dir.path());
    ASSERT_THAT(writer, IsOk());
    std::mt19937 rng(3);
    std::vector<storyline::v1::Article> articles;
    for (int i = 0; i < 12; ++i) articles.push_back(Generate(absl::StrCat("m", i), i % 4, rng));
    testing::WriteArticles(**writer, articles);
  }
  const unsigned before = Xapian::Query::MatchAll.internal->_refs;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&dir] {
      absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(dir.path());
      ASSERT_THAT(searcher, IsOk());
      SearchParams search;  // empty query: every article
      search.page_size = 1;
      search.snippets = false;
      ClusterParams clusters;  // empty query; no semantic model, so it stops early
      for (int i = 0; i < 3000; ++i) {
        if (i % 10 == 0) {
          EXPECT_THAT((*searcher)->Search(search), IsOk());
        }
        EXPECT_TRUE(absl::IsUnavailable((*searcher)->Clusters(clusters).status()));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(Xapian::Query::MatchAll.internal->_refs, before);
}

}  // namespace
}  // namespace storyline::index
