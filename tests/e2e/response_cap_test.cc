// The response size cap end to end (issue 9): five articles with 1 MiB
// bodies; a page of them with include_body is 5 MiB, over gRPC's default
// 4 MiB receive limit and over a small --max_response_bytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/testing/status_matchers.h"

namespace storyline::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kArticles = 5;
constexpr size_t kBodyBytes = size_t{1} << 20;  // the largest body allowed
constexpr size_t kSmallCap = 3'000'000;

// About 1 MiB of words from one shared vocabulary (so the articles are
// similar), in a different order for each `seed`, with "zeppelin" in all.
std::string BigBody(int seed) {
  std::mt19937 rng(seed);
  std::string body;
  body.reserve(kBodyBytes);
  while (true) {
    std::string word = "zeppelin";
    if (rng() % 4 != 0) {
      word = absl::StrCat("w", rng() % 5000);
    }
    if (body.size() + word.size() + 1 > kBodyBytes) break;
    absl::StrAppend(&body, word, " ");
  }
  return body;
}

// The big articles, then small ones on other subjects (so the big ones'
// shared words are distinctive enough for SimilarStories).
std::vector<v1::Article> BigArticles(int small = 20) {
  std::vector<v1::Article> articles;
  for (int i = 0; i < kArticles; ++i) {
    articles.push_back(
        MakeArticle(absl::StrCat("big-", i), absl::StrCat("Airship log ", i), BigBody(i)));
  }
  const char* subjects[] = {"harbour ferry timetable", "school lunch menu", "river flood barrier",
                            "library opening hours"};
  for (int i = 0; i < small; ++i) {
    articles.push_back(MakeArticle(absl::StrCat("small-", i), subjects[i % 4],
                                   absl::StrCat("Notes on the ", subjects[i % 4], " number ", i)));
  }
  return articles;
}

struct CappedServer {
  explicit CappedServer(std::vector<std::string> args)
      : server(std::move(args)),
        client({.target = server.address(), .default_deadline = absl::Seconds(60)}) {}
  TestServer server;
  Client client;
};

class ResponseCapTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::vector<v1::Article> articles = BigArticles();
    default_cap_ = new CappedServer({});
    small_cap_ = new CappedServer({absl::StrCat("--max_response_bytes=", kSmallCap)});
    for (CappedServer* s : {default_cap_, small_cap_}) {
      ASSERT_TRUE(s->server.ok());
      auto resp = s->client.IndexArticles(articles);
      ASSERT_THAT(resp, IsOk());
      ASSERT_EQ(resp->indexed_count(), static_cast<int64_t>(articles.size()));
    }
  }
  static void TearDownTestSuite() {
    delete default_cap_;
    delete small_cap_;
  }

  static v1::SearchRequest AllWithBodies() {
    v1::SearchRequest req;
    req.set_query("zeppelin");
    req.set_page_size(100);
    req.set_include_body(true);
    return req;
  }

  static CappedServer* default_cap_;
  static CappedServer* small_cap_;
};

CappedServer* ResponseCapTest::default_cap_ = nullptr;
CappedServer* ResponseCapTest::small_cap_ = nullptr;

TEST_F(ResponseCapTest, UnderTheDefaultCapTheClientTakesAFiveMiBReply) {
  auto resp = default_cap_->client.Search(AllWithBodies());
  ASSERT_THAT(resp, IsOk());  // above gRPC's default 4 MiB receive limit
  ASSERT_EQ(resp->results_size(), kArticles);
  EXPECT_FALSE(resp->truncated());
  EXPECT_EQ(resp->truncation_note(), "");
  for (const auto& r : resp->results()) EXPECT_GT(r.article().body().size(), kBodyBytes - 64);
  EXPECT_GT(resp->ByteSizeLong(), size_t{5} << 20);
}

TEST_F(ResponseCapTest, OverTheCapSearchDropsTrailingBodiesAndSaysSo) {
  auto resp = small_cap_->client.Search(AllWithBodies());
  ASSERT_THAT(resp, IsOk());
  EXPECT_LE(resp->ByteSizeLong(), kSmallCap);
  ASSERT_EQ(resp->results_size(), kArticles);  // every result, some without a body
  EXPECT_TRUE(resp->truncated());
  EXPECT_THAT(resp->truncation_note(), HasSubstr("bodies of 3 of the 5 results"));
  EXPECT_THAT(resp->truncation_note(), HasSubstr("--max_response_bytes"));
  EXPECT_THAT(resp->truncation_note(), HasSubstr("GetArticle"));
  for (int i = 0; i < kArticles; ++i) {
    EXPECT_EQ(resp->results(i).article().body().empty(), i >= 2) << i;
  }
  // Without bodies the same page fits whole.
  v1::SearchRequest no_bodies = AllWithBodies();
  no_bodies.set_include_body(false);
  auto small = small_cap_->client.Search(no_bodies);
  ASSERT_THAT(small, IsOk());
  EXPECT_FALSE(small->truncated());
}

TEST_F(ResponseCapTest, SimilarStoriesWithBodiesIsTrimmedToo) {
  v1::SimilarStoriesRequest req;
  req.set_article_id("big-0");
  req.set_include_body(true);
  req.set_include_duplicates(true);
  auto resp = small_cap_->client.SimilarStories(req);
  ASSERT_THAT(resp, IsOk());
  EXPECT_LE(resp->ByteSizeLong(), kSmallCap);
  ASSERT_GE(resp->stories_size(), 3);
  EXPECT_TRUE(resp->truncated());
  EXPECT_THAT(resp->truncation_note(), HasSubstr("stories"));
}

TEST(ResponseCapRefusalTest, AReplyThatCannotBeTrimmedIsRefusedWithTheReason) {
  TestServer server({"--max_response_bytes=500000"});
  ASSERT_TRUE(server.ok());
  Client client({.target = server.address(), .default_deadline = absl::Seconds(60)});
  ASSERT_THAT(client.IndexArticles(BigArticles(/*small=*/0)), IsOk());
  auto got = client.GetArticle("big-0");
  EXPECT_THAT(got.status(),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("--max_response_bytes")));
  EXPECT_THAT(got.status().message(), HasSubstr("GetArticle refused"));
}

}  // namespace
}  // namespace storyline::testing
