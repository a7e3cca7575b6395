// storyline::Client against an in-process fake server: every unary RPC
// goes through the same context, deadline and status mapping, so each one
// is checked to carry the server's code and message back as absl::Status,
// the retry delay of RESOURCE_EXHAUSTED, and the bearer token.
#include "storyline/client.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/client/fake_server.h"
#include "tests/testing/status_matchers.h"

namespace storyline {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;

// Each unary method of Client, called with empty requests.
struct Method {
  std::string name;
  std::function<absl::Status(Client&)> call;
};

std::vector<Method> UnaryMethods() {
  return {
      {"Search", [](Client& c) { return c.Search({}).status(); }},
      {"GetArticle", [](Client& c) { return c.GetArticle("a1").status(); }},
      {"SimilarStories", [](Client& c) { return c.SimilarStories({}).status(); }},
      {"Recommend", [](Client& c) { return c.Recommend({}).status(); }},
      {"TopicClusters", [](Client& c) { return c.TopicClusters({}).status(); }},
      {"GetIndexStats", [](Client& c) { return c.GetIndexStats().status(); }},
      {"DeleteArticles", [](Client& c) { return c.DeleteArticles({}).status(); }},
      {"CheckHealth", [](Client& c) { return c.CheckHealth(); }},
  };
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fake_.ok()); }

  Client MakeClient(std::string token = "") {
    return Client({.target = fake_.target(), .token = std::move(token)});
  }

  testing::FakeServer fake_;
  testing::Script& script_ = fake_.script();
};

TEST(FromGrpcStatusTest, KeepsEveryCodeAndMessage) {
  EXPECT_THAT(FromGrpcStatus(grpc::Status::OK), IsOk());
  for (int code = 1; code <= 16; ++code) {
    const grpc::Status in(static_cast<grpc::StatusCode>(code), absl::StrCat("message ", code));
    EXPECT_THAT(FromGrpcStatus(in),
                StatusIs(static_cast<absl::StatusCode>(code), absl::StrCat("message ", code)))
        << "code " << code;
  }
}

TEST(FromGrpcStatusTest, NamedCodes) {
  struct Case {
    grpc::StatusCode grpc;
    absl::StatusCode absl;
  };
  const std::vector<Case> cases = {
      {grpc::StatusCode::INVALID_ARGUMENT, absl::StatusCode::kInvalidArgument},
      {grpc::StatusCode::NOT_FOUND, absl::StatusCode::kNotFound},
      {grpc::StatusCode::DEADLINE_EXCEEDED, absl::StatusCode::kDeadlineExceeded},
      {grpc::StatusCode::UNAVAILABLE, absl::StatusCode::kUnavailable},
      {grpc::StatusCode::UNAUTHENTICATED, absl::StatusCode::kUnauthenticated},
      {grpc::StatusCode::PERMISSION_DENIED, absl::StatusCode::kPermissionDenied},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, absl::StatusCode::kResourceExhausted},
      {grpc::StatusCode::DATA_LOSS, absl::StatusCode::kDataLoss},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(FromGrpcStatus(grpc::Status(c.grpc, "why")), StatusIs(c.absl, "why"));
  }
}

TEST(RetryDelayTest, ReadsThePayload) {
  EXPECT_EQ(RetryDelay(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(RetryDelay(absl::ResourceExhaustedError("busy")), std::nullopt);
}

TEST_F(ClientTest, EveryUnaryMethodMapsEveryErrorCode) {
  Client client = MakeClient();
  for (const Method& method : UnaryMethods()) {
    for (int code = 1; code <= 16; ++code) {
      const std::string message = absl::StrCat(method.name, " failed with ", code);
      script_.Answer(grpc::Status(static_cast<grpc::StatusCode>(code), message));
      EXPECT_THAT(method.call(client), StatusIs(static_cast<absl::StatusCode>(code), message))
          << method.name << " code " << code;
    }
  }
}

TEST_F(ClientTest, EveryUnaryMethodSucceeds) {
  Client client = MakeClient();
  script_.Answer(grpc::Status::OK);
  for (const Method& method : UnaryMethods()) {
    EXPECT_THAT(method.call(client), IsOk()) << method.name;
  }
}

TEST_F(ClientTest, RepliesArrive) {
  Client client = MakeClient();
  script_.Answer(grpc::Status::OK);
  v1::SearchRequest search;
  search.set_query("rates");
  absl::StatusOr<v1::SearchResponse> found = client.Search(search);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->corrected_query(), "rates");
  absl::StatusOr<v1::Article> article = client.GetArticle("a7");
  ASSERT_THAT(article, IsOk());
  EXPECT_EQ(article->id(), "a7");
  absl::StatusOr<v1::IndexStats> stats = client.GetIndexStats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->article_count(), 42);
}

TEST_F(ClientTest, RetryAfterTrailerBecomesRetryDelay) {
  Client client = MakeClient();
  struct Case {
    std::string trailer;
    std::optional<absl::Duration> want;
  };
  const std::vector<Case> cases = {
      {"250", absl::Milliseconds(250)}, {"0", absl::ZeroDuration()}, {"-5", std::nullopt},
      {"soon", std::nullopt},           {"", std::nullopt},
  };
  for (const Method& method : UnaryMethods()) {
    for (const Case& c : cases) {
      script_.Answer(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "busy"), c.trailer);
      const absl::Status s = method.call(client);
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted, "busy")) << method.name;
      EXPECT_EQ(RetryDelay(s), c.want) << method.name << " trailer '" << c.trailer << "'";
    }
  }
}

TEST_F(ClientTest, RefusedIngestStreamKeepsTheRetryDelay) {
  Client client = MakeClient();
  script_.Answer(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "busy"), "250");
  const std::vector<v1::Article> articles(3);
  const absl::StatusOr<v1::IngestProgress> progress = client.IngestArticles(articles);
  EXPECT_THAT(progress, StatusIs(absl::StatusCode::kResourceExhausted, "busy"));
  EXPECT_EQ(RetryDelay(progress.status()), absl::Milliseconds(250));
}

TEST_F(ClientTest, OkRepliesIgnoreTheRetryTrailer) {
  Client client = MakeClient();
  script_.Answer(grpc::Status::OK, "250");
  EXPECT_THAT(client.GetIndexStats(), IsOk());
}

TEST_F(ClientTest, SendsTheBearerTokenOnEveryMethod) {
  script_.Answer(grpc::Status::OK);
  {
    Client client = MakeClient("s3cret");
    for (const Method& method : UnaryMethods()) {
      ASSERT_THAT(method.call(client), IsOk()) << method.name;
      EXPECT_EQ(script_.authorization(), "Bearer s3cret") << method.name;
    }
  }
  Client anonymous = MakeClient();
  ASSERT_THAT(anonymous.GetIndexStats(), IsOk());
  EXPECT_EQ(script_.authorization(), "");
}

TEST_F(ClientTest, HealthOtherThanServingIsUnavailable) {
  Client client = MakeClient();
  script_.Answer(grpc::Status::OK);
  EXPECT_THAT(client.CheckHealth("down"),
              StatusIs(absl::StatusCode::kUnavailable, "server reports NOT_SERVING for down"));
  EXPECT_THAT(client.CheckHealth("up"), IsOk());
}

TEST_F(ClientTest, UnreachableServerIsUnavailable) {
  const std::string target = fake_.target();
  fake_.Shutdown();
  Client client({.target = target, .default_deadline = absl::Seconds(5)});
  for (const Method& method : UnaryMethods()) {
    EXPECT_THAT(method.call(client), StatusIs(absl::StatusCode::kUnavailable, ::testing::_))
        << method.name;
  }
}

}  // namespace
}  // namespace storyline
