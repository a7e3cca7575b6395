#include "server/response_cap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace storyline::server {
namespace {

using ::testing::HasSubstr;

constexpr size_t kBody = 100 * 1024;

v1::SearchResponse SearchWithBodies(int results, size_t body_bytes) {
  v1::SearchResponse reply;
  for (int i = 0; i < results; ++i) {
    v1::Article* a = reply.add_results()->mutable_article();
    a->set_id("id-" + std::to_string(i));
    a->set_title("title " + std::to_string(i));
    a->set_body(std::string(body_bytes, 'x'));
  }
  return reply;
}

TEST(ResponseCapTest, LeavesSmallRepliesAlone) {
  v1::SearchResponse reply = SearchWithBodies(3, 100);
  const v1::SearchResponse before = reply;
  EXPECT_TRUE(FitResponse("Search", kDefaultMaxResponseBytes, &reply).ok());
  EXPECT_EQ(reply.SerializeAsString(), before.SerializeAsString());
  EXPECT_FALSE(reply.truncated());
}

TEST(ResponseCapTest, ZeroMeansNoLimit) {
  v1::SearchResponse reply = SearchWithBodies(10, kBody);
  EXPECT_TRUE(FitResponse("Search", 0, &reply).ok());
  EXPECT_FALSE(reply.truncated());
}

TEST(ResponseCapTest, DropsBodiesFromTheLastResultsAndSaysSo) {
  v1::SearchResponse reply = SearchWithBodies(10, kBody);
  const size_t cap = 4 * kBody + 4096;  // room for four bodies
  ASSERT_TRUE(FitResponse("Search", cap, &reply).ok());
  EXPECT_LE(reply.ByteSizeLong(), cap);
  EXPECT_TRUE(reply.truncated());
  ASSERT_EQ(reply.results_size(), 10);  // every result is still there
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(reply.results(i).article().body().empty(), i >= 4) << i;
    EXPECT_FALSE(reply.results(i).article().title().empty());
  }
  EXPECT_THAT(reply.truncation_note(), HasSubstr("bodies of 6 of the 10 results"));
  EXPECT_THAT(reply.truncation_note(), HasSubstr("from results 5 on"));
  EXPECT_THAT(reply.truncation_note(), HasSubstr("--max_response_bytes"));
  EXPECT_THAT(reply.truncation_note(), HasSubstr("page_size"));
}

TEST(ResponseCapTest, TrimsSimilarStoriesToo) {
  v1::SimilarStoriesResponse reply;
  for (int i = 0; i < 5; ++i)
    reply.add_stories()->mutable_article()->set_body(std::string(kBody, 'y'));
  ASSERT_TRUE(FitResponse("SimilarStories", 2 * kBody + 2048, &reply).ok());
  EXPECT_TRUE(reply.truncated());
  EXPECT_THAT(reply.truncation_note(), HasSubstr("3 of the 5 stories"));
  EXPECT_FALSE(reply.stories(1).article().body().empty());
  EXPECT_TRUE(reply.stories(2).article().body().empty());
}

TEST(ResponseCapTest, RefusesWhatStillDoesNotFitAndSaysWhatToDo) {
  v1::SearchResponse reply = SearchWithBodies(100, 10);
  for (v1::SearchResult& r : *reply.mutable_results()) r.set_snippet(std::string(2000, 's'));
  absl::Status s = FitResponse("Search", 50 * 1024, &reply);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr("Search refused"));
  EXPECT_THAT(s.message(), HasSubstr("--max_response_bytes"));
  EXPECT_THAT(s.message(), HasSubstr("page_size"));
}

TEST(ResponseCapTest, OtherRepliesAreRefusedWhenTooLarge) {
  v1::Article article;
  article.set_body(std::string(kBody, 'z'));
  EXPECT_TRUE(FitResponse("GetArticle", 2 * kBody, &article).ok());
  absl::Status s = FitResponse("GetArticle", kBody / 2, &article);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr("GetArticle refused"));
  v1::TopicClustersResponse clusters;
  for (int i = 0; i < 1000; ++i) clusters.add_unclustered(std::string(100, 'u'));
  s = FitResponse("TopicClusters", 10000, &clusters);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr("max_documents"));
}

}  // namespace
}  // namespace storyline::server
