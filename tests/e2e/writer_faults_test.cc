// Issue 9, defects 2 and 6: a write that fails for a reason outside the
// articles (file size limit, out of descriptors; what disk full looks like
// to Xapian) must not leave ingest dead. Until the cause is gone, writes
// answer RESOURCE_EXHAUSTED or UNAVAILABLE and health says IngestService is
// NOT_SERVING; then the writer recovers by itself, and resending converges.
//
// The faults are injected with prlimit(2) on the running server, which
// needs no privileges: RLIMIT_FSIZE makes every block write fail with EFBIG,
// RLIMIT_NOFILE makes every open() fail with EMFILE.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/health_wait.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::AnyOf;

constexpr char kIngest[] = "storyline.v1.IngestService";
constexpr char kStory[] = "storyline.v1.StoryService";

std::vector<v1::Article> Batch(const std::string& prefix, int n) {
  std::vector<v1::Article> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(MakeArticle(prefix + std::to_string(i), "Harbour dredging plan " + prefix,
                              std::string(3000, 'a' + i % 26) + " tidal silt council vote"));
  }
  return out;
}

// Sets the server's soft limit for `resource` (the hard limit is kept).
void SetServerLimit(const TestServer& server, int resource, rlim_t soft) {
  struct rlimit old {};
  ASSERT_EQ(prlimit(server.pid(), static_cast<__rlimit_resource>(resource), nullptr, &old), 0);
  struct rlimit now {
    .rlim_cur = std::min(soft, old.rlim_max), .rlim_max = old.rlim_max
  };
  ASSERT_EQ(prlimit(server.pid(), static_cast<__rlimit_resource>(resource), &now, nullptr), 0);
}

class WriterFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    ASSERT_THAT(client_.IndexArticles(Batch("before-", 20)), IsOk());
  }

  // The fault is on: writes fail with a retryable code and health says so,
  // while reads keep working.
  void ExpectWritesRefused(absl::StatusCode fault_code) {
    auto during = client_.IndexArticles(Batch("during-", 200));
    ASSERT_FALSE(during.ok()) << "a failed write was acknowledged";
    EXPECT_THAT(during.status().code(), AnyOf(fault_code, absl::StatusCode::kUnavailable))
        << during.status();
    EXPECT_TRUE(WaitForHealth(client_, kIngest, false, absl::Seconds(5)));
    v1::DeleteArticlesRequest del;
    del.add_ids("before-3");
    auto deleted = client_.DeleteArticles(del);
    EXPECT_THAT(deleted.status().code(),
                AnyOf(absl::StatusCode::kResourceExhausted, absl::StatusCode::kUnavailable))
        << deleted.status();
    // Reads go on, unless they need a descriptor the server has not got.
    auto read = client_.GetArticle("before-4");
    if (!read.ok()) {
      EXPECT_EQ(read.status().code(), fault_code) << read.status();
    }
  }

  // The fault is gone: the writer recovers by itself and resending the
  // failed stream converges to every article, once.
  // `extra`: articles the test wrote besides "before-" and "during-".
  void ExpectRecovery(int extra = 0) {
    EXPECT_TRUE(WaitForHealth(client_, kIngest, true, absl::Seconds(10)))
        << "IngestService never became SERVING again";
    auto again = client_.IndexArticles(Batch("during-", 200));
    ASSERT_THAT(again, IsOk());
    EXPECT_EQ(again->errors_size(), 0);
    // The refused delete may or may not have reached its shard; sent again
    // it converges either way.
    v1::DeleteArticlesRequest del;
    del.add_ids("before-3");
    auto deleted = client_.DeleteArticles(del);
    if (!deleted.ok()) {
      EXPECT_EQ(deleted.status().code(), absl::StatusCode::kNotFound) << deleted.status();
    }
    auto stats = client_.GetIndexStats();
    ASSERT_THAT(stats, IsOk());
    EXPECT_EQ(stats->article_count(), 219 + extra);
    for (int i = 0; i < 200; i += 37) {
      EXPECT_THAT(client_.GetArticle("during-" + std::to_string(i)), IsOk());
    }
  }

  TestServer server_{{"--shards=2", "--semantic_rank=0"}};
  Client client_{{.target = server_.address(), .default_deadline = absl::Seconds(20)}};
};

TEST_F(WriterFaultsTest, FileSizeLimitThenRecovery) {
  SetServerLimit(server_, RLIMIT_FSIZE, 4096);
  ExpectWritesRefused(absl::StatusCode::kResourceExhausted);
  SetServerLimit(server_, RLIMIT_FSIZE, RLIM_INFINITY);
  ExpectRecovery();
}

// The acknowledging stream fails the same way, and says how far it got.
TEST_F(WriterFaultsTest, IngestStreamReportsTheFaultAfterItsLastAcknowledgement) {
  const std::vector<v1::Article> before = Batch("acked-", 50);
  int64_t acknowledged = -1;
  auto ok = client_.IngestArticles(
      before, [&](const v1::IngestProgress& p) { acknowledged = p.committed_through(); });
  ASSERT_THAT(ok, IsOk());
  EXPECT_TRUE(ok->done());
  EXPECT_EQ(ok->indexed_count(), 50);
  EXPECT_EQ(acknowledged, 49);
  SetServerLimit(server_, RLIMIT_FSIZE, 4096);
  auto failed = client_.IngestArticles(Batch("during-", 200));
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().code(),
              AnyOf(absl::StatusCode::kResourceExhausted, absl::StatusCode::kUnavailable))
      << failed.status();
  SetServerLimit(server_, RLIMIT_FSIZE, RLIM_INFINITY);
  ExpectRecovery(/*extra=*/50);
}

TEST_F(WriterFaultsTest, OutOfDescriptorsThenRecovery) {
  SetServerLimit(server_, RLIMIT_NOFILE, 8);
  ExpectWritesRefused(absl::StatusCode::kResourceExhausted);
  // Reads need descriptors too: StoryService says it cannot serve them.
  EXPECT_TRUE(WaitForHealth(client_, kStory, false, absl::Seconds(5)));
  SetServerLimit(server_, RLIMIT_NOFILE, RLIM_INFINITY);
  EXPECT_TRUE(WaitForHealth(client_, kStory, true, absl::Seconds(5)));
  ExpectRecovery();
}

}  // namespace
}  // namespace storyline::testing
