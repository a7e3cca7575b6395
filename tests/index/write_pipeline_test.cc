// Tests for index/write_pipeline.cc: ordered, single-threaded writes.
#include "index/write_pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "index/article_indexer.h"
#include "index/searcher.h"
#include "tests/index/test_index.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace storyline::index {
namespace {

// A single-shard pipeline runs every article id on its one shard.
constexpr char kAnyId[] = "any";

using ::storyline::index::testing::MakeArticle;
using ::storyline::testing::IsOk;
using ::storyline::testing::TempDir;
using ::testing::ElementsAre;

constexpr absl::Duration kWait = absl::Seconds(30);

std::unique_ptr<IndexWriter> OpenWriter(const TempDir& dir) {
  absl::StatusOr<std::unique_ptr<IndexWriter>> w = IndexWriter::Open(dir.path());
  EXPECT_THAT(w, IsOk());
  return w.ok() ? std::move(w).value() : nullptr;
}

TEST(WritePipelineTest, OpsRunInSubmissionOrderOnOneThread) {
  TempDir dir;
  std::unique_ptr<IndexWriter> writer = OpenWriter(dir);
  ASSERT_NE(writer, nullptr);
  IndexWriter* const expected_writer = writer.get();

  constexpr int kOps = 200;
  std::vector<int> order;  // touched only by the writer thread
  std::set<std::thread::id> threads;
  bool same_writer = true;
  {
    WritePipeline pipeline(std::move(writer), /*max_queue=*/8);
    for (int i = 0; i < kOps; ++i) {
      pipeline.SubmitFor(kAnyId, [&, i](IndexWriter& w) {
        order.push_back(i);
        threads.insert(std::this_thread::get_id());
        same_writer = same_writer && &w == expected_writer;
      });
    }
  }  // destructor drains and joins: safe to read `order` afterwards
  ASSERT_EQ(order.size(), static_cast<size_t>(kOps));
  for (int i = 0; i < kOps; ++i) EXPECT_EQ(order[i], i);
  EXPECT_EQ(threads.size(), 1u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
  EXPECT_TRUE(same_writer);
}

TEST(WritePipelineTest, ConcurrentProducersEachKeepTheirOrder) {
  TempDir dir;
  std::unique_ptr<IndexWriter> writer = OpenWriter(dir);
  ASSERT_NE(writer, nullptr);
  constexpr int kProducers = 4;
  constexpr int kOpsEach = 100;
  std::vector<std::pair<int, int>> log;  // (producer, seq); writer thread only
  {
    WritePipeline pipeline(std::move(writer), /*max_queue=*/4);
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p) {
      producers.emplace_back([&, p] {
        for (int i = 0; i < kOpsEach; ++i) {
          pipeline.SubmitFor(kAnyId, [&log, p, i](IndexWriter&) { log.emplace_back(p, i); });
        }
      });
    }
    for (std::thread& t : producers) t.join();
  }
  ASSERT_EQ(log.size(), static_cast<size_t>(kProducers * kOpsEach));
  std::vector<int> next(kProducers, 0);
  for (const auto& [p, i] : log) {
    EXPECT_EQ(i, next[p]) << "producer " << p;
    next[p] = i + 1;
  }
}

TEST(WritePipelineTest, DestructorDrainsQueuedOps) {
  TempDir dir;
  std::unique_ptr<IndexWriter> writer = OpenWriter(dir);
  ASSERT_NE(writer, nullptr);
  std::atomic<int> ran{0};
  absl::Notification started;
  {
    WritePipeline pipeline(std::move(writer));
    pipeline.SubmitFor(kAnyId, [&](IndexWriter&) {
      started.Notify();
      absl::SleepFor(absl::Milliseconds(100));  // let the queue fill behind us
    });
    ASSERT_TRUE(started.WaitForNotificationWithTimeout(kWait));
    for (int i = 0; i < 25; ++i)
      pipeline.SubmitFor(kAnyId, [&](IndexWriter&) { ran.fetch_add(1); });
  }
  EXPECT_EQ(ran.load(), 25);
}

TEST(WritePipelineTest, SubmitForBlocksWhileQueueIsFull) {
  TempDir dir;
  std::unique_ptr<IndexWriter> writer = OpenWriter(dir);
  ASSERT_NE(writer, nullptr);
  WritePipeline pipeline(std::move(writer), /*max_queue=*/1);

  absl::Notification started, release;
  pipeline.SubmitFor(kAnyId, [&](IndexWriter&) {
    started.Notify();
    release.WaitForNotification();
  });
  ASSERT_TRUE(started.WaitForNotificationWithTimeout(kWait));
  pipeline.SubmitFor(kAnyId, [](IndexWriter&) {});  // fills the queue

  absl::Notification submitted;
  std::thread producer([&] {
    pipeline.SubmitFor(kAnyId, [](IndexWriter&) {});
    submitted.Notify();
  });
  EXPECT_FALSE(submitted.WaitForNotificationWithTimeout(absl::Milliseconds(200)))
      << "SubmitFor returned although the queue was full";
  release.Notify();
  EXPECT_TRUE(submitted.WaitForNotificationWithTimeout(kWait));
  producer.join();
}

TEST(WritePipelineTest, WritesThroughThePipelineReachReaders) {
  TempDir dir;
  std::unique_ptr<IndexWriter> writer = OpenWriter(dir);
  ASSERT_NE(writer, nullptr);
  std::vector<bool> upsert_results;
  uint64_t revision = 0;
  {
    WritePipeline pipeline(std::move(writer));
    ArticleIndexer indexer;
    for (const char* title : {"Harbour reopens", "Harbour closes again"}) {
      absl::StatusOr<PreparedArticle> p =
          indexer.Prepare(MakeArticle({.id = "h", .title = title}), nullptr);
      ASSERT_THAT(p, IsOk());
      pipeline.SubmitFor("h", [&upsert_results, p = *std::move(p)](IndexWriter& w) {
        absl::StatusOr<bool> r = w.Upsert(p);
        upsert_results.push_back(r.ok() && *r);
      });
    }
    pipeline.SubmitFor("h", [&revision](IndexWriter& w) {
      absl::StatusOr<uint64_t> r = w.Commit();
      if (r.ok()) revision = *r;
    });
  }
  EXPECT_THAT(upsert_results, ElementsAre(false, true));
  EXPECT_GT(revision, 0u);

  absl::StatusOr<std::unique_ptr<Searcher>> searcher = Searcher::Open(dir.path());
  ASSERT_THAT(searcher, IsOk());
  absl::StatusOr<storyline::v1::Article> got = (*searcher)->Get("h");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->title(), "Harbour closes again");
}

}  // namespace
}  // namespace storyline::index
