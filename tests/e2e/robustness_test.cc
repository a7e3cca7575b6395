// The server never crashes on any request: random bytes sent to every unary
// method, random field values, and articles full of random bytes. After the
// barrage the server must still be healthy and answer correctly.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <future>
#include <random>
#include <string>
#include <vector>

#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

class RobustnessTest : public DemoServerTest {};

std::string RandomBytes(std::mt19937& rng, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s(len(rng), '\0');
  for (char& c : s) c = static_cast<char>(byte(rng));
  return s;
}

TEST_F(RobustnessTest, RandomBytesToEveryUnaryMethod) {
  // TopicClusters answers UNAVAILABLE ("retry shortly") until the semantic
  // model exists; fuzz the real clustering path, not that answer.
  ASSERT_TRUE(WaitForSemanticModel(client()));
  auto channel = grpc::CreateChannel(server().address(), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  const std::vector<std::string> methods = {
      "/storyline.v1.StoryService/Search",         "/storyline.v1.StoryService/GetArticle",
      "/storyline.v1.StoryService/SimilarStories", "/storyline.v1.StoryService/Recommend",
      "/storyline.v1.StoryService/TopicClusters",  "/storyline.v1.StoryService/GetIndexStats",
      "/storyline.v1.IngestService/DeleteArticles"};
  std::mt19937 rng(20261127);
  int invalid = 0;
  for (int round = 0; round < 60; ++round) {
    for (const std::string& method : methods) {
      const std::string bytes = RandomBytes(rng, 300);
      grpc::Slice slice(bytes);
      grpc::ByteBuffer request(&slice, 1);
      grpc::ByteBuffer response;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      std::promise<grpc::Status> done;
      stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                     [&done](grpc::Status s) { done.set_value(s); });
      const grpc::Status s = done.get_future().get();
      ASSERT_NE(s.error_code(), grpc::StatusCode::UNAVAILABLE)
          << method << " took the server down (round " << round << ")";
      EXPECT_NE(s.error_code(), grpc::StatusCode::INTERNAL) << method << ": " << s.error_message();
      if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) ++invalid;
    }
  }
  EXPECT_GT(invalid, 0) << "some random requests must have been rejected as malformed";
  EXPECT_THAT(client().CheckHealth(), IsOk());
}

TEST_F(RobustnessTest, RandomFieldValuesInSearch) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> small(-5, 150);
  for (int i = 0; i < 200; ++i) {
    v1::SearchRequest req;
    req.set_query(RandomBytes(rng, 64));
    req.set_page_size(small(rng));
    req.set_order_by(static_cast<v1::OrderBy>(small(rng) % 4));
    if (i % 3 == 0) req.set_page_token(RandomBytes(rng, 80));
    if (i % 4 == 0) req.add_facets(i % 8 == 0 ? "topic" : RandomBytes(rng, 8));
    if (i % 5 == 0) req.mutable_filter()->add_topics(RandomBytes(rng, 10));
    if (i % 7 == 0)
      req.mutable_filter()->mutable_published_after()->set_seconds(static_cast<int64_t>(rng()) *
                                                                   1000);
    auto resp = client().Search(req);
    if (!resp.ok()) {
      EXPECT_EQ(resp.status().code(), absl::StatusCode::kInvalidArgument) << resp.status();
    }
  }
  EXPECT_THAT(client().CheckHealth(), IsOk());
}

TEST_F(RobustnessTest, ArticlesOfRandomBytesAreRejectedOneByOne) {
  std::mt19937 rng(99);
  std::vector<v1::Article> batch;
  for (int i = 0; i < 50; ++i) {
    v1::Article a;
    a.set_id(i % 2 == 0 ? "rnd-" + std::to_string(i) : RandomBytes(rng, 300));
    a.set_title(RandomBytes(rng, 100));
    a.set_body(RandomBytes(rng, 2000));
    a.set_topic(RandomBytes(rng, 20));
    a.mutable_publish_time()->set_seconds(static_cast<int64_t>(rng()) << (i % 40));
    batch.push_back(a);
  }
  batch.push_back(MakeArticle("rnd-good", "Plain headline about kelp farming", "Kelp."));
  auto resp = client().IndexArticles(batch);
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->indexed_count() + resp->updated_count() + resp->errors_size(), 51);
  EXPECT_GT(resp->errors_size(), 0);
  EXPECT_THAT(client().GetArticle("rnd-good"), IsOk());
  EXPECT_THAT(client().CheckHealth(), IsOk());
}

// Issue 9, defect 1: bodies that repeat one phrase were accepted and then
// unreadable (DATA_LOSS) through every read path.
TEST_F(RobustnessTest, RepetitiveBodiesStayReadableEverywhere) {
  std::vector<v1::Article> batch;
  for (int t = 0; t < 400; ++t) {
    std::string body;
    while (body.size() < 16500u + t * 97u) body += "lorem ipsum dolor sit amet ";
    body.resize(t == 0 ? 16500 : 16000 + t * 97);
    v1::Article a;  // the record layout that plain glass fails on for t = 4
    a.set_id("r" + std::to_string(t));
    a.set_title("Repeat");
    a.set_body(body);
    batch.push_back(a);
  }
  auto ingested = client().IndexArticles(batch);
  ASSERT_THAT(ingested, IsOk());
  ASSERT_EQ(ingested->errors_size(), 0);
  for (const v1::Article& a : batch) {
    auto got = client().GetArticle(a.id());
    ASSERT_THAT(got, IsOk()) << a.id();
    EXPECT_EQ(got->body(), a.body());
  }
  v1::SearchRequest req;
  req.set_query("lorem ipsum");
  req.set_page_size(20);  // 20 x up to 55 KB stays under gRPC's 4 MiB reply limit
  req.set_include_body(true);
  int found = 0;
  do {
    auto page = client().Search(req);
    ASSERT_THAT(page, IsOk());
    found += page->results_size();
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty());
  EXPECT_EQ(found, 400);
  v1::SimilarStoriesRequest similar;
  similar.set_article_id("r0");
  similar.set_include_body(true);
  EXPECT_THAT(client().SimilarStories(similar), IsOk());
}

}  // namespace
}  // namespace storyline::testing
