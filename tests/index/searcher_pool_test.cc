// Tests for index/searcher_pool.cc: workers, backpressure, missing index.
#include "index/searcher_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "index/index_writer.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

using ::storyline::index::testing::MakeArticle;
using ::storyline::index::testing::WriteArticles;
using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::storyline::testing::TempDir;
using ::testing::_;

// Generous bound for waits that should complete almost immediately.
constexpr absl::Duration kWait = absl::Seconds(30);

void BuildIndex(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<IndexWriter>> w = IndexWriter::Open(dir);
  ASSERT_THAT(w, IsOk());
  WriteArticles(**w, {MakeArticle({.id = "a", .title = "Parliament passes budget"}),
                      MakeArticle({.id = "b", .title = "Football final"})});
}

TEST(SearcherPoolTest, ThreadsOption) {
  TempDir dir;
  {
    SearcherPool pool({.index_dir = dir.path(), .threads = 3});
    EXPECT_EQ(pool.threads(), 3);
  }
  {
    SearcherPool pool({.index_dir = dir.path(), .threads = 0});
    EXPECT_GE(pool.threads(), 1);
  }
}

TEST(SearcherPoolTest, JobsRunWithASearcher) {
  TempDir dir;
  BuildIndex(dir.path());
  SearcherPool pool({.index_dir = dir.path(), .threads = 2});

  constexpr int kJobs = 20;
  absl::BlockingCounter done(kJobs);
  std::atomic<int> ok_searches{0};
  for (int i = 0; i < kJobs; ++i) {
    ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*> searcher) {
      if (searcher.ok() && *searcher != nullptr) {
        SearchParams p;
        p.query = "parliament";
        absl::StatusOr<SearchResults> r = (*searcher)->Search(p);
        if (r.ok() && r->hits.size() == 1 && r->hits[0].article.id() == "a") {
          ok_searches.fetch_add(1);
        }
      }
      done.DecrementCount();
    }),
                IsOk());
  }
  done.Wait();
  EXPECT_EQ(ok_searches.load(), kJobs);
}

TEST(SearcherPoolTest, EachWorkerHasItsOwnSearcherAndThread) {
  TempDir dir;
  BuildIndex(dir.path());
  SearcherPool pool({.index_dir = dir.path(), .threads = 2});

  // Two jobs that can only finish together: proves they run concurrently,
  // hence on different workers, which must hand out different Searchers.
  absl::Mutex mu;
  std::vector<Searcher*> searchers;
  std::set<std::thread::id> threads;
  int started = 0;  // guarded by mu
  absl::BlockingCounter done(2);
  for (int i = 0; i < 2; ++i) {
    ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*> s) {
      {
        absl::MutexLock lock(&mu);
        searchers.push_back(s.ok() ? *s : nullptr);
        threads.insert(std::this_thread::get_id());
        ++started;
        // Wait (bounded) for the other job to start too.
        mu.AwaitWithTimeout(absl::Condition(
                                +[](int* n) { return *n >= 2; }, &started),
                            kWait);
      }
      done.DecrementCount();
    }),
                IsOk());
  }
  done.Wait();
  ASSERT_EQ(searchers.size(), 2u);
  EXPECT_EQ(started, 2);
  EXPECT_NE(searchers[0], nullptr);
  EXPECT_NE(searchers[1], nullptr);
  EXPECT_NE(searchers[0], searchers[1]);
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

TEST(SearcherPoolTest, WorkerReusesItsSearcher) {
  TempDir dir;
  BuildIndex(dir.path());
  SearcherPool pool({.index_dir = dir.path(), .threads = 1});
  Searcher* first = nullptr;
  Searcher* second = nullptr;
  absl::Notification n1, n2;
  ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*> s) {
    first = s.ok() ? *s : nullptr;
    n1.Notify();
  }),
              IsOk());
  ASSERT_TRUE(n1.WaitForNotificationWithTimeout(kWait));
  ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*> s) {
    second = s.ok() ? *s : nullptr;
    n2.Notify();
  }),
              IsOk());
  ASSERT_TRUE(n2.WaitForNotificationWithTimeout(kWait));
  EXPECT_NE(first, nullptr);
  EXPECT_EQ(first, second);
}

TEST(SearcherPoolTest, FullQueueIsResourceExhausted) {
  TempDir dir;
  BuildIndex(dir.path());
  SearcherPool pool({.index_dir = dir.path(), .threads = 1, .max_queue = 1});

  absl::Notification started, release;
  ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*>) {
    started.Notify();
    release.WaitForNotification();
  }),
              IsOk());
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(kWait));
  // The worker is blocked and the queue is empty: one job fits...
  std::atomic<int> ran{0};
  ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*>) { ran.fetch_add(1); }), IsOk());
  // ...and the flood does not.
  int rejected = 0;
  for (int i = 0; i < 50; ++i) {
    absl::Status s = pool.Submit([&](absl::StatusOr<Searcher*>) { ran.fetch_add(100); });
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted, _));
    if (!s.ok()) ++rejected;
  }
  EXPECT_EQ(rejected, 50);
  release.Notify();
  // Once the worker drains the queue, Submit is accepted again.
  absl::Notification later;
  absl::Status s;
  for (absl::Time end = absl::Now() + kWait; absl::Now() < end;) {
    s = pool.Submit([&](absl::StatusOr<Searcher*>) { later.Notify(); });
    if (s.ok()) break;
    absl::SleepFor(absl::Milliseconds(1));
  }
  ASSERT_THAT(s, IsOk());
  ASSERT_TRUE(later.WaitForNotificationWithTimeout(kWait));
  EXPECT_EQ(ran.load(), 1);  // rejected jobs were dropped, never run
}

TEST(SearcherPoolTest, MissingIndexHandsJobsNotFound) {
  TempDir dir;
  SearcherPool pool({.index_dir = dir.Sub("does-not-exist"), .threads = 2});
  constexpr int kJobs = 4;
  absl::BlockingCounter done(kJobs);
  absl::Mutex mu;
  std::vector<absl::Status> statuses;
  for (int i = 0; i < kJobs; ++i) {
    ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*> s) {
      {
        absl::MutexLock lock(&mu);
        statuses.push_back(s.status());
      }
      done.DecrementCount();
    }),
                IsOk());
  }
  done.Wait();
  ASSERT_EQ(statuses.size(), static_cast<size_t>(kJobs));
  for (const absl::Status& s : statuses) {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound, _));
  }
}

TEST(SearcherPoolTest, PoolStartedBeforeIndexExistsRecoversOnceItDoes) {
  TempDir dir;
  const std::string index_dir = dir.Sub("index");
  SearcherPool pool({.index_dir = index_dir, .threads = 1});

  absl::Notification first;
  absl::Status first_status;
  ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*> s) {
    first_status = s.status();
    first.Notify();
  }),
              IsOk());
  ASSERT_TRUE(first.WaitForNotificationWithTimeout(kWait));
  EXPECT_THAT(first_status, StatusIs(absl::StatusCode::kNotFound, _));

  BuildIndex(index_dir);
  absl::Notification second;
  absl::StatusOr<SearchResults> results = absl::UnknownError("job did not run");
  ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*> s) {
    if (s.ok()) {
      SearchParams p;
      p.query = "football";
      results = (*s)->Search(p);
    } else {
      results = s.status();
    }
    second.Notify();
  }),
              IsOk());
  ASSERT_TRUE(second.WaitForNotificationWithTimeout(kWait));
  ASSERT_THAT(results, IsOk());
  ASSERT_EQ(results->hits.size(), 1u);
  EXPECT_EQ(results->hits[0].article.id(), "b");
}

TEST(SearcherPoolTest, DestructorRunsQueuedJobs) {
  TempDir dir;
  BuildIndex(dir.path());
  std::atomic<int> ran{0};
  {
    SearcherPool pool({.index_dir = dir.path(), .threads = 1});
    absl::Notification started;
    ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*>) {
      started.Notify();
      absl::SleepFor(absl::Milliseconds(50));
    }),
                IsOk());
    ASSERT_TRUE(started.WaitForNotificationWithTimeout(kWait));
    for (int i = 0; i < 10; ++i) {
      ASSERT_THAT(pool.Submit([&](absl::StatusOr<Searcher*>) { ran.fetch_add(1); }), IsOk());
    }
  }
  EXPECT_EQ(ran.load(), 10);
}

TEST(SearcherPoolTest, SubmitDuringShutdownIsUnavailable) {
  TempDir dir;
  BuildIndex(dir.path());
  auto pool =
      std::make_unique<SearcherPool>(SearcherPoolOptions{.index_dir = dir.path(), .threads = 1});
  absl::Notification started;
  absl::Status last;
  SearcherPool* raw = pool.get();
  ASSERT_THAT(pool->Submit([&, raw](absl::StatusOr<Searcher*>) {
    started.Notify();
    // The destructor waits for this job, so the pool stays alive while we
    // poll for the moment it starts refusing work.
    for (absl::Time end = absl::Now() + kWait; absl::Now() < end;) {
      last = raw->Submit([](absl::StatusOr<Searcher*>) {});
      if (absl::IsUnavailable(last)) return;
      absl::SleepFor(absl::Milliseconds(1));
    }
  }),
              IsOk());
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(kWait));
  pool.reset();
  EXPECT_THAT(last, StatusIs(absl::StatusCode::kUnavailable, _));
}

}  // namespace
}  // namespace storyline::index
