// Bearer tokens end to end: a server with --write_token_file and
// --read_token_file refuses every RPC of both services without a token
// (UNAUTHENTICATED) or with the wrong one (PERMISSION_DENIED), lets the read
// token read and the write token do everything, and keeps health checking
// and reflection open. A write-token-only server leaves reads open, and a
// server without tokens behaves as before.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/e2e/auth_fixture.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kStoryService[] = "storyline.v1.StoryService";
constexpr char kIngestService[] = "storyline.v1.IngestService";

std::string Bearer(const std::string& token) { return "Bearer " + token; }

// Every RPC of both Storyline services, from the generated descriptors, so
// an RPC added later is covered without editing this test.
std::vector<std::string> AllMethods() {
  std::vector<std::string> all = MethodsOf(kStoryService);
  for (const std::string& m : MethodsOf(kIngestService)) all.push_back(m);
  return all;
}

bool IsWrite(const std::string& method) {
  return method.rfind(std::string("/") + kIngestService + "/", 0) == 0;
}

// One server with both tokens, seeded with the demo corpus.
class AuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tokens_ = new TempDir;
    server_ = new TestServer({std::string("--seed_jsonl=") + STORYLINE_DEMO_JSONL,
                              "--write_token_file=" + WriteTokenFile(*tokens_, "w", kWriteToken),
                              "--read_token_file=" + WriteTokenFile(*tokens_, "r", kReadToken)});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete tokens_;
  }
  void SetUp() override { ASSERT_TRUE(server_->ok()) << "storyline-server did not start"; }

  static Client MakeClient(const std::string& token = "") {
    return Client(
        {.target = server_->address(), .default_deadline = absl::Seconds(20), .token = token});
  }
  static std::shared_ptr<grpc::Channel> Channel() { return PlaintextChannel(server_->address()); }

  static TempDir* tokens_;
  static TestServer* server_;
};

TempDir* AuthTest::tokens_ = nullptr;
TestServer* AuthTest::server_ = nullptr;

TEST_F(AuthTest, EnumeratesBothServices) {
  // Guards the tests below against passing vacuously.
  EXPECT_THAT(MethodsOf(kStoryService), ::testing::Contains(HasSubstr("/Search")));
  EXPECT_THAT(MethodsOf(kIngestService), ::testing::Contains(HasSubstr("/IndexArticles")));
  EXPECT_EQ(AllMethods().size(), 9u) << "the services changed; check every new RPC is guarded";
}

TEST_F(AuthTest, EveryRpcWithoutTokenIsUnauthenticated) {
  for (const std::string& method : AllMethods()) {
    // An empty request is invalid for several RPCs: UNAUTHENTICATED also
    // shows the token is checked before the request is even parsed.
    grpc::Status s = RawCall(Channel(), method, {});
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_THAT(s.error_message(), HasSubstr("'authorization: Bearer <token>'")) << method;
    EXPECT_THAT(s.error_message(), HasSubstr(IsWrite(method) ? "write token" : "read or the write"))
        << method;
  }
}

TEST_F(AuthTest, EveryRpcWithWrongTokenIsPermissionDenied) {
  for (const std::string& method : AllMethods()) {
    grpc::Status s = RawCall(Channel(), method, {Bearer("not-the-token")});
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
    EXPECT_THAT(s.error_message(), Not(HasSubstr("not-the-token"))) << method;
  }
}

TEST_F(AuthTest, ReadTokenReadsButEveryWriteIsPermissionDenied) {
  for (const std::string& method : AllMethods()) {
    grpc::Status s = RawCall(Channel(), method, {Bearer(kReadToken)});
    if (IsWrite(method)) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
      EXPECT_THAT(s.error_message(), HasSubstr("the read token cannot call IngestService"));
      EXPECT_THAT(s.error_message(), Not(HasSubstr(kReadToken)));
    } else {
      // Past the check: the empty request may still be invalid.
      EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
      EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
    }
  }
}

TEST_F(AuthTest, WriteTokenPassesEveryCheck) {
  for (const std::string& method : AllMethods()) {
    grpc::Status s = RawCall(Channel(), method, {Bearer(kWriteToken)});
    EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
  }
}

TEST_F(AuthTest, MalformedAuthorizationIsUnauthenticated) {
  const std::string stats = "/storyline.v1.StoryService/GetIndexStats";
  for (const std::string& value :
       {std::string("Basic dXNlcjpwYXNz"), std::string("Bearer"), std::string("Bearer "),
        std::string(kReadToken), "Bearer" + std::string(kReadToken)}) {
    grpc::Status s = RawCall(Channel(), stats, {value});
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << value;
    EXPECT_THAT(s.error_message(), HasSubstr("expected 'Bearer <token>'")) << value;
  }
  grpc::Status twice = RawCall(Channel(), stats, {Bearer(kReadToken), Bearer(kWriteToken)});
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // The scheme is case-insensitive (RFC 7235).
  EXPECT_TRUE(RawCall(Channel(), stats, {"bearer " + std::string(kReadToken)}).ok());
}

TEST_F(AuthTest, ClientWithReadTokenReads) {
  Client reader = MakeClient(kReadToken);
  v1::SearchRequest req;
  req.set_query("tidal barrage");
  auto found = reader.Search(req);
  ASSERT_THAT(found, IsOk());
  EXPECT_GT(found->results_size(), 0);
  EXPECT_THAT(reader.GetArticle("demo-002"), IsOk());
  EXPECT_THAT(reader.GetIndexStats(), IsOk());
}

TEST_F(AuthTest, ClientWithWriteTokenReadsAndWrites) {
  Client writer = MakeClient(kWriteToken);
  auto indexed = writer.IndexArticles(std::vector<v1::Article>{
      MakeArticle("auth-1", "Lighthouse keeper retires", "After forty years.")});
  ASSERT_THAT(indexed, IsOk());
  EXPECT_EQ(indexed->indexed_count(), 1);
  EXPECT_THAT(writer.GetArticle("auth-1"), IsOk());
  v1::DeleteArticlesRequest del;
  del.add_ids("auth-1");
  EXPECT_THAT(writer.DeleteArticles(del), IsOk());
  EXPECT_THAT(writer.GetArticle("auth-1"), StatusIs(absl::StatusCode::kNotFound, ::testing::_));
}

TEST_F(AuthTest, RefusedWritesChangeNothing) {
  Client writer = MakeClient(kWriteToken);
  const std::vector<v1::Article> article = {MakeArticle("auth-2", "Ferry timetable", "Summer.")};
  EXPECT_THAT(MakeClient(kReadToken).IndexArticles(article),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("write token")));
  EXPECT_THAT(MakeClient().IndexArticles(article),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("authorization")));
  EXPECT_THAT(writer.GetArticle("auth-2"), StatusIs(absl::StatusCode::kNotFound, ::testing::_));

  v1::DeleteArticlesRequest del;
  del.add_ids("demo-002");
  EXPECT_THAT(MakeClient().DeleteArticles(del),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  EXPECT_THAT(MakeClient("wrong-token").DeleteArticles(del),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
  EXPECT_THAT(writer.GetArticle("demo-002"), IsOk());
}

TEST_F(AuthTest, ClientLibraryWithoutTokenIsRefusedReads) {
  v1::SearchRequest req;
  req.set_query("tidal barrage");
  EXPECT_THAT(MakeClient().Search(req),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("StoryService")));
  EXPECT_THAT(MakeClient("wrong-token").GetIndexStats(),
              StatusIs(absl::StatusCode::kPermissionDenied, ::testing::_));
}

TEST_F(AuthTest, HealthAndReflectionNeedNoToken) {
  Client anonymous = MakeClient();
  EXPECT_THAT(anonymous.CheckHealth(), IsOk());
  EXPECT_THAT(anonymous.CheckHealth("storyline.v1.IngestService"), IsOk());

  // ServerReflectionRequest{list_services: ""}: field 7, empty string.
  const std::string list_services("\x3a\x00", 2);
  std::string reply;
  grpc::Status s =
      RawCall(Channel(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", {},
              list_services, &reply);
  if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    s = RawCall(Channel(), "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", {},
                list_services, &reply);
  }
  ASSERT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  EXPECT_THAT(reply, HasSubstr(kStoryService));
  EXPECT_THAT(reply, HasSubstr(kIngestService));
}

// A write token alone: reads stay open, writes need the token.
TEST(WriteTokenOnlyTest, ReadsOpenWritesNeedToken) {
  TempDir tokens;
  TestServer server({"--write_token_file=" + WriteTokenFile(tokens, "w", kWriteToken)});
  ASSERT_TRUE(server.ok());
  for (const std::string& method : MethodsOf(kStoryService)) {
    grpc::Status s = RawCall(PlaintextChannel(server.address()), method, {});
    EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
  }
  for (const std::string& method : MethodsOf(kIngestService)) {
    grpc::Status s = RawCall(PlaintextChannel(server.address()), method, {});
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
  }
  Client anonymous({.target = server.address()});
  EXPECT_THAT(anonymous.GetIndexStats(), IsOk());
  const std::vector<v1::Article> article = {MakeArticle("w-1", "Pier reopens", "Repairs done.")};
  EXPECT_THAT(anonymous.IndexArticles(article),
              StatusIs(absl::StatusCode::kUnauthenticated, ::testing::_));
  Client writer({.target = server.address(), .token = kWriteToken});
  EXPECT_THAT(writer.IndexArticles(article), IsOk());
  EXPECT_THAT(anonymous.GetArticle("w-1"), IsOk());
}

// Without token flags nothing changes: anyone reads and writes, and a
// client that sends a token anyway is not refused.
TEST(NoAuthTest, EverythingOpenAsBefore) {
  TestServer server;
  ASSERT_TRUE(server.ok());
  for (const std::string& method : AllMethods()) {
    grpc::Status s = RawCall(PlaintextChannel(server.address()), method, {});
    EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
  }
  for (const std::string& token : {std::string(), std::string("some-token")}) {
    Client client({.target = server.address(), .token = token});
    const std::string id = "open-" + std::to_string(token.size());
    EXPECT_THAT(client.IndexArticles(std::vector<v1::Article>{MakeArticle(id, "Open", "Yes.")}),
                IsOk());
    v1::DeleteArticlesRequest del;
    del.add_ids(id);
    EXPECT_THAT(client.DeleteArticles(del), IsOk());
  }
}

}  // namespace
}  // namespace storyline::testing
