// Admission control end to end (issue 9): a server whose expensive methods
// get one slot and one queue place, over the BBC corpus so TopicClusters
// takes ~100 ms. Excess calls are refused at once with a retry delay; cheap
// calls keep working while TopicClusters is saturated; an ingest stream
// holds its slot until it ends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/metrics_scrape.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kBbcArticles = 2225;

class OverloadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Metrics show the admission slots and queues the tests wait on.
    server_ = new TestServer({"--max_inflight_expensive=1", "--max_waiting_expensive=1",
                              "--metrics_listen=127.0.0.1:0", "--log_level=info"},
                             /*capture_log=*/true);
    ASSERT_TRUE(server_->ok());
    client_ = new Client({.target = server_->address(), .default_deadline = absl::Seconds(30)});
    ASSERT_THAT(IngestSharedJsonl(*client_, "bbc/articles.jsonl"), IsOk());
    ASSERT_TRUE(WaitForSemanticModel(*client_));
  }
  static void TearDownTestSuite() {
    delete client_;
    delete server_;
    client_ = nullptr;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(client_, nullptr); }

  static v1::TopicClustersRequest BigClusters(uint64_t seed) {
    v1::TopicClustersRequest req;
    req.set_max_documents(kBbcArticles);
    req.set_seed(seed);
    return req;
  }

  static std::unique_ptr<v1::StoryService::Stub> Stub() {
    return v1::StoryService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  static TestServer* server_;
  static Client* client_;
};

TestServer* OverloadTest::server_ = nullptr;
Client* OverloadTest::client_ = nullptr;

struct Outcome {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  std::string retry_after_ms;  // trailing metadata, if sent
  double ms = 0;
};

TEST_F(OverloadTest, ExcessTopicClustersAreRefusedAtOnceWithARetryDelay) {
  constexpr int kCalls = 12;
  std::vector<Outcome> outcomes(kCalls);
  std::latch go(kCalls);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      auto stub = Stub();
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      v1::TopicClustersResponse resp;
      go.arrive_and_wait();
      const auto start = std::chrono::steady_clock::now();
      grpc::Status s = stub->TopicClusters(&ctx, BigClusters(i), &resp);
      outcomes[i].ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      outcomes[i].code = s.error_code();
      outcomes[i].message = s.error_message();
      auto it = ctx.GetServerTrailingMetadata().find("retry-after-ms");
      if (it != ctx.GetServerTrailingMetadata().end()) {
        outcomes[i].retry_after_ms = std::string(it->second.data(), it->second.size());
      }
    });
  }
  for (auto& t : threads) t.join();

  int ok = 0;
  int refused = 0;
  double slowest_refusal = 0;
  double fastest_success = 1e9;
  for (const Outcome& o : outcomes) {
    if (o.code == grpc::StatusCode::OK) {
      ++ok;
      fastest_success = std::min(fastest_success, o.ms);
      continue;
    }
    ASSERT_EQ(o.code, grpc::StatusCode::RESOURCE_EXHAUSTED) << o.message;
    ++refused;
    slowest_refusal = std::max(slowest_refusal, o.ms);
    EXPECT_THAT(o.message, HasSubstr("TopicClusters"));
    EXPECT_THAT(o.message, HasSubstr("retry after"));
    int64_t delay = 0;
    EXPECT_TRUE(absl::SimpleAtoi(o.retry_after_ms, &delay)) << "no retry-after-ms metadata";
    EXPECT_GE(delay, 10);
  }
  // One slot and one queue place: most of a simultaneous burst is refused,
  // and a refusal comes back sooner than any clustering could.
  EXPECT_GE(ok, 1);
  EXPECT_GE(refused, kCalls / 2) << ok << " calls succeeded";
  EXPECT_LT(slowest_refusal, fastest_success);
}

TEST_F(OverloadTest, TheClientLibraryReportsTheRetryDelay) {
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (int i = 0; i < 3; ++i) {  // keeps the slot and the queue place taken
    load.emplace_back([&, i] {
      for (uint64_t n = 0; !stop; ++n) {
        auto r = client_->TopicClusters(BigClusters(i * 1000 + n));
        if (!r.ok()) absl::SleepFor(absl::Milliseconds(5));
      }
    });
  }
  absl::Status refusal;
  for (int i = 0; i < 200 && refusal.ok(); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    refusal = client_->TopicClusters(BigClusters(99)).status();
  }
  stop = true;
  for (auto& t : load) t.join();
  ASSERT_EQ(refusal.code(), absl::StatusCode::kResourceExhausted) << refusal;
  std::optional<absl::Duration> delay = RetryDelay(refusal);
  ASSERT_TRUE(delay.has_value());
  EXPECT_GE(*delay, absl::Milliseconds(10));
  EXPECT_LE(*delay, absl::Seconds(30));
}

TEST_F(OverloadTest, CheapCallsKeepWorkingWhileTopicClustersIsSaturated) {
  std::atomic<bool> stop{false};
  std::atomic<int> clusters_ok{0};
  std::atomic<int> clusters_refused{0};
  std::vector<std::thread> load;
  for (int i = 0; i < 4; ++i) {
    load.emplace_back([&, i] {
      for (uint64_t n = 0; !stop; ++n) {
        auto r = client_->TopicClusters(BigClusters(i * 1000 + n));
        if (r.ok()) {
          ++clusters_ok;
        } else if (r.status().code() == absl::StatusCode::kResourceExhausted) {
          ++clusters_refused;
          absl::SleepFor(RetryDelay(r.status()).value_or(absl::Milliseconds(50)));
        }
      }
    });
  }
  // Saturated once a call has been refused.
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (clusters_refused.load() == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_GT(clusters_refused.load(), 0) << "TopicClusters was never saturated";
  const char* queries[] = {"government", "film award", "mobile phone", "football", "economy"};
  std::vector<double> ms;
  for (int i = 0; i < 100; ++i) {
    v1::SearchRequest req;
    req.set_query(queries[i % 5]);
    const auto start = std::chrono::steady_clock::now();
    auto found = client_->Search(req);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    ASSERT_THAT(found, IsOk());
    EXPECT_GT(found->results_size(), 0);
    auto article = client_->GetArticle("bbc-business-001");
    ASSERT_THAT(article, IsOk());
  }
  stop = true;
  for (auto& t : load) t.join();
  std::sort(ms.begin(), ms.end());
  EXPECT_GT(clusters_ok.load(), 0);
  EXPECT_GT(clusters_refused.load(), 0) << "TopicClusters was never saturated";
  // A search that queued behind a ~100 ms clustering would take longer
  // than that; searches here take a few ms.
  EXPECT_LT(ms[50], 50.0) << "median search latency while TopicClusters is saturated";
}

TEST_F(OverloadTest, AnIngestStreamHoldsItsSlotUntilItEnds) {
  const int metrics = MetricsPort(*server_);
  ASSERT_GT(metrics, 0) << "the server logged no metrics port";
  constexpr char kIngest[] = "limiter=\"ingest\"";
  auto stub = v1::IngestService::NewStub(
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  auto open = [&](grpc::ClientContext* ctx, v1::IndexArticlesResponse* resp, const char* id) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto writer = stub->IndexArticles(ctx, resp);
    EXPECT_TRUE(writer->Write(MakeArticle(id, "Overload test", "A story about admission.")));
    return writer;
  };
  grpc::ClientContext ctx_a, ctx_b, ctx_c;
  v1::IndexArticlesResponse resp_a, resp_b, resp_c;
  auto a = open(&ctx_a, &resp_a, "overload-a");  // holds the one slot
  ASSERT_TRUE(AwaitMetric(metrics, "storyline_admission_running", kIngest, 1))
      << "stream a never took the ingest slot";
  auto b = open(&ctx_b, &resp_b, "overload-b");  // waits in the one queue place
  ASSERT_TRUE(AwaitMetric(metrics, "storyline_admission_waiting", kIngest, 1))
      << "stream b never queued for the slot";
  auto c = open(&ctx_c, &resp_c, "overload-c");  // refused
  c->WritesDone();
  grpc::Status refused = c->Finish();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_THAT(refused.error_message(), HasSubstr("IndexArticles"));

  a->WritesDone();
  ASSERT_TRUE(a->Finish().ok());
  EXPECT_EQ(resp_a.indexed_count(), 1);
  b->WritesDone();
  grpc::Status waited = b->Finish();
  ASSERT_TRUE(waited.ok()) << waited.error_message();
  EXPECT_EQ(resp_b.indexed_count(), 1);
  EXPECT_THAT(client_->GetArticle("overload-b"), IsOk());
  EXPECT_EQ(client_->GetArticle("overload-c").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace storyline::testing
