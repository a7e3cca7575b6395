// Ingests the real BBC News corpus (../shared/data/bbc) through the client
// library and checks that a known headline's words find that article first.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/article_jsonl.h"
#include "storyline/client.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {
namespace {

TEST(BbcCorpusTest, HeadlineWordsFindTheirArticleFirst) {
  const std::string path = std::string(STORYLINE_SHARED_DATA_DIR) + "/bbc/articles.jsonl";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path << " (the shared corpora must sit beside the checkout)";

  TestServer server;
  ASSERT_TRUE(server.ok());
  Client client({.target = server.address()});

  common::JsonlArticleReader reader(in);
  auto resp = client.IndexArticles(
      Client::ArticleSource([&](v1::Article* out) { return reader.NextArticle(out); }));
  ASSERT_THAT(resp, IsOk());
  EXPECT_EQ(resp->indexed_count(), 2225);
  EXPECT_EQ(resp->errors_size(), 0);

  const std::pair<const char*, const char*> headlines[] = {
      {"bbc-business-001", "Ad sales boost Time Warner profit"},
      {"bbc-entertainment-198", "Brookside actress Keaveney dies"},
      {"bbc-tech-362", "Bad e-mail habits sustains spam"},
      {"bbc-business-320", "Iraq and Afghanistan in WTO talks"},
      {"bbc-entertainment-359", "Shark Tale DVD is US best-seller"},
      {"bbc-sport-125", "Premier League planning Cole date"},
      {"bbc-business-100", "Ebbers denies WorldCom fraud"},
  };
  for (const auto& [id, title] : headlines) {
    v1::SearchRequest req;
    req.set_query(title);
    req.set_page_size(3);
    auto found = client.Search(req);
    ASSERT_THAT(found, IsOk()) << title;
    ASSERT_GT(found->results_size(), 0) << title;
    EXPECT_EQ(found->results(0).article().id(), id) << "query: " << title;
  }
  auto stats = client.GetIndexStats();
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->article_count(), 2225);
}

}  // namespace
}  // namespace storyline::testing
