#include "bench/storyline_bench/generate_jsonl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/article_jsonl.h"

namespace storyline::bench {
namespace {

TEST(AppendJsonStringTest, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  AppendJsonString("say \"hi\"\\ now\n\tend\x01 caf\xC3\xA9", &out);
  EXPECT_EQ(out, "\"say \\\"hi\\\"\\\\ now\\n\\u0009end\\u0001 caf\xC3\xA9\"");
}

TEST(FormatUtcSecondsTest, WritesRfc3339InUtc) {
  EXPECT_EQ(FormatUtcSeconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtcSeconds(1764460799), "2025-11-29T23:59:59Z");
}

TEST(AppendArticleJsonLineTest, ParsesBackAsTheSameArticle) {
  const GeneratedArticle article{.id = "gen1-00000007",
                                 .title = "Rates \"held\" at 4%",
                                 .body = "First line.\n\nSecond \\ paragraph\twith a tab.",
                                 .topic = "U.S. NEWS",
                                 .source = "Wire Agency",
                                 .publish_seconds = 1420070400};
  std::string line;
  AppendArticleJsonLine(article, &line);
  ASSERT_EQ(line.back(), '\n');
  ASSERT_EQ(line.find('\n'), line.size() - 1) << "one line per article";
  const absl::StatusOr<v1::Article> parsed = common::ParseArticleJson(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->id(), article.id);
  EXPECT_EQ(parsed->title(), article.title);
  EXPECT_EQ(parsed->body(), article.body);
  EXPECT_EQ(parsed->topic(), article.topic);
  EXPECT_EQ(parsed->source(), article.source);
  EXPECT_EQ(parsed->publish_time().seconds(), article.publish_seconds);
}

}  // namespace
}  // namespace storyline::bench
