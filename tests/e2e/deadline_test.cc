// Deadlines honoured by the server, not only by the client's own timer
// (ServiceTest.DeadlineIsHonoured uses a deadline so short that it expires
// before the call leaves the client). Here the call reaches the server with
// time to spare, the server is made slower than the deadline
// (--TEST_read_delay_ms), and its per-call log shows what it answered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_log.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kServerDelayMs = 1500;
constexpr int kDeadlineMs = 500;

// Searches through the raw stub with `request_id` and a deadline of
// `deadline_ms`; returns the status the client saw.
grpc::Status SearchWithDeadline(const TestServer& server, const std::string& request_id,
                                int deadline_ms) {
  auto stub = v1::StoryService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
  ctx.AddMetadata("x-request-id", request_id);
  v1::SearchRequest req;
  req.set_query("tidal barrage");
  v1::SearchResponse resp;
  return stub->Search(&ctx, req, &resp);
}

TEST(ServerDeadlineTest, ASearchThatOutlastsItsDeadlineIsRefusedByTheServer) {
  TestServer server({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL, "--semantic_rank=0",
                     "--log_format=json", "--log_level=info", "--slow_query_ms=-1",
                     "--TEST_read_delay_ms=" + std::to_string(kServerDelayMs)},
                    /*capture_log=*/true);
  ASSERT_TRUE(server.ok());
  // The call itself: the client gives up at its deadline.
  EXPECT_EQ(SearchWithDeadline(server, "deadline-late", kDeadlineMs).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);

  // The server received it, ran it past its deadline and answered
  // DEADLINE_EXCEEDED itself, rather than the late result (a server that
  // ignored the deadline would log OK here).
  const std::string line = AwaitLine(server, "deadline-late", absl::Seconds(30));
  ASSERT_FALSE(line.empty()) << "the server never logged the call";
  const nlohmann::json logged = nlohmann::json::parse(line);
  EXPECT_EQ(logged["method"], "Search");
  EXPECT_EQ(logged["code"], "DEADLINE_EXCEEDED") << line;
  EXPECT_THAT(logged["message"].get<std::string>(),
              HasSubstr("search did not finish before the deadline"));
  EXPECT_GE(logged["latency_ms"].get<double>(), kServerDelayMs) << line;

  // With a deadline the delay fits in, the same search answers.
  EXPECT_TRUE(SearchWithDeadline(server, "deadline-ok", 30000).ok());
  const std::string ok_line = AwaitLine(server, "deadline-ok");
  ASSERT_FALSE(ok_line.empty());
  EXPECT_EQ(nlohmann::json::parse(ok_line)["code"], "OK") << ok_line;
}

}  // namespace
}  // namespace storyline::testing
