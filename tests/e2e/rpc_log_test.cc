// The per-RPC log end to end (issue 9): a server started with
// --log_format=json writes one JSON object per line, one line per call with
// method, code, latency, peer and request id (the client's x-request-id,
// or one it generates and returns); ingest and delete log at info with
// counts and revision; calls over --slow_query_ms log at warn with their
// request, in both formats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_log.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

const std::regex kIso8601WithZone(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d)");

nlohmann::json AwaitJson(const TestServer& server, const std::string& needle) {
  const std::string line = AwaitLine(server, needle);
  EXPECT_FALSE(line.empty()) << "no log line contains " << needle;
  return line.empty() ? nlohmann::json() : nlohmann::json::parse(line);
}

// Calls Search through the raw stub, with `request_id` as x-request-id
// unless empty; returns the x-request-id the server sent back.
std::string SearchWithRequestId(const TestServer& server, const std::string& query,
                                const std::string& request_id) {
  auto stub = v1::StoryService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!request_id.empty()) ctx.AddMetadata("x-request-id", request_id);
  v1::SearchRequest req;
  req.set_query(query);
  v1::SearchResponse resp;
  EXPECT_TRUE(stub->Search(&ctx, req, &resp).ok());
  auto it = ctx.GetServerInitialMetadata().find("x-request-id");
  if (it == ctx.GetServerInitialMetadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class RpcLogJsonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL,
                              "--log_format=json", "--log_level=info", "--slow_query_ms=-1"},
                             /*capture_log=*/true);
    ASSERT_TRUE(server_->ok());
    client_ = new Client({.target = server_->address(), .default_deadline = absl::Seconds(20)});
  }
  static void TearDownTestSuite() {
    delete client_;
    delete server_;
  }
  void SetUp() override { ASSERT_NE(client_, nullptr); }

  static TestServer* server_;
  static Client* client_;
};

TestServer* RpcLogJsonTest::server_ = nullptr;
Client* RpcLogJsonTest::client_ = nullptr;

TEST_F(RpcLogJsonTest, EachCallLogsOneJsonLineWithTheClientsRequestId) {
  EXPECT_EQ(SearchWithRequestId(*server_, "tidal barrage", "e2e-request-42"), "e2e-request-42");
  nlohmann::json line = AwaitJson(*server_, "e2e-request-42");
  ASSERT_TRUE(line.is_object());
  EXPECT_EQ(line["event"], "rpc");
  EXPECT_EQ(line["method"], "Search");
  EXPECT_EQ(line["code"], "OK");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["request_id"], "e2e-request-42");
  EXPECT_GE(line["latency_ms"].get<double>(), 0.0);
  EXPECT_THAT(line["peer"].get<std::string>(), HasSubstr("127.0.0.1:"));
  EXPECT_TRUE(std::regex_match(line["ts"].get<std::string>(), kIso8601WithZone)) << line["ts"];
  EXPECT_FALSE(line.contains("slow"));
  // Exactly one line for the call, and every line in the file is JSON.
  int lines_for_call = 0;
  for (const std::string& l : ReadLines(server_->log_path())) {
    nlohmann::json parsed = nlohmann::json::parse(l, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_object()) << l;
    EXPECT_TRUE(parsed.contains("ts") && parsed.contains("level")) << l;
    if (absl::StrContains(l, "e2e-request-42")) ++lines_for_call;
  }
  EXPECT_EQ(lines_for_call, 1);
}

TEST_F(RpcLogJsonTest, WithoutOneTheServerGeneratesAndReturnsARequestId) {
  const std::string id = SearchWithRequestId(*server_, "council", "");
  EXPECT_THAT(id, MatchesRegex("[0-9a-f]{32}"));
  nlohmann::json line = AwaitJson(*server_, id);
  EXPECT_EQ(line["method"], "Search");
  // An unusable id (spaces, control characters) is replaced.
  const std::string replaced = SearchWithRequestId(*server_, "council", "has spaces");
  EXPECT_THAT(replaced, MatchesRegex("[0-9a-f]{32}"));
}

TEST_F(RpcLogJsonTest, FailuresCarryTheirCodeAndMessage) {
  EXPECT_EQ(client_->GetArticle("no-such-article").status().code(), absl::StatusCode::kNotFound);
  nlohmann::json line = AwaitJson(*server_, "\"NOT_FOUND\"");
  EXPECT_EQ(line["method"], "GetArticle");
  EXPECT_THAT(line["message"].get<std::string>(), HasSubstr("no-such-article"));
}

TEST_F(RpcLogJsonTest, IngestAndDeleteLogCountsAndRevisionAtInfo) {
  ASSERT_THAT(client_->IndexArticles(std::vector<v1::Article>{
                  MakeArticle("log-1", "Log test one", "First log article."),
                  MakeArticle("log-2", "Log test two", "Second log article.")}),
              IsOk());
  nlohmann::json ingest = AwaitJson(*server_, "\"IndexArticles\"");
  EXPECT_EQ(ingest["level"], "info");
  EXPECT_EQ(ingest["code"], "OK");
  EXPECT_EQ(ingest["articles"], 2);
  EXPECT_EQ(ingest["indexed"], 2);
  EXPECT_EQ(ingest["rejected"], 0);
  EXPECT_GT(ingest["revision"].get<int64_t>(), 0);

  v1::DeleteArticlesRequest del;
  del.add_ids("log-1");
  del.add_ids("log-404");
  ASSERT_THAT(client_->DeleteArticles(del), IsOk());
  nlohmann::json deleted = AwaitJson(*server_, "\"DeleteArticles\"");
  EXPECT_EQ(deleted["level"], "info");
  EXPECT_EQ(deleted["deleted"], 1);
  EXPECT_EQ(deleted["not_found"], 1);
  EXPECT_GT(deleted["revision"].get<int64_t>(), ingest["revision"].get<int64_t>());
}

TEST(SlowQueryLogTest, SlowCallsLogAtWarnWithTheirRequestInJson) {
  TestServer server({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL, "--log_format=json",
                     "--slow_query_ms=0"},
                    /*capture_log=*/true);
  ASSERT_TRUE(server.ok());
  SearchWithRequestId(server, "tidal barrage", "slow-json-1");
  nlohmann::json line = AwaitJson(server, "slow-json-1");
  EXPECT_EQ(line["level"], "warning");
  EXPECT_EQ(line["slow"], true);
  EXPECT_THAT(line["request"].get<std::string>(), HasSubstr("query: \"tidal barrage\""));
}

TEST(SlowQueryLogTest, TextFormatHasAZonedTimestampAndTheSlowRequest) {
  TestServer server({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL, "--slow_query_ms=0"},
                    /*capture_log=*/true);
  ASSERT_TRUE(server.ok());
  SearchWithRequestId(server, "tidal barrage", "slow-text-1");
  const std::string line = AwaitLine(server, "slow-text-1");
  EXPECT_THAT(line, HasSubstr("warning slow rpc Search OK"));
  EXPECT_THAT(line, HasSubstr("query: \"tidal barrage\""));
  EXPECT_TRUE(std::regex_search(
      line,
      std::regex(std::string("^") + R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d )")))
      << line;
  // Below the threshold nothing is logged at the default level.
  TestServer quiet({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL, "--log_level=info"},
                   /*capture_log=*/true);
  ASSERT_TRUE(quiet.ok());
  SearchWithRequestId(quiet, "tidal barrage", "quiet-text-1");
  absl::SleepFor(absl::Milliseconds(200));
  for (const std::string& l : ReadLines(quiet.log_path()))
    EXPECT_THAT(l, ::testing::Not(HasSubstr("quiet-text-1")));
}

}  // namespace
}  // namespace storyline::testing
