#include "common/article_jsonl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace storyline::common {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(ParseArticleJsonTest, ParsesTheProto3JsonMapping) {
  absl::StatusOr<v1::Article> a = ParseArticleJson(
      R"({"id":"a1","title":"Rates rise","topic":"business","publishTime":"2025-01-14T10:15:00Z",)"
      R"("tags":["x","y"]})");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->id(), "a1");
  EXPECT_EQ(a->title(), "Rates rise");
  EXPECT_EQ(a->topic(), "business");
  EXPECT_EQ(a->publish_time().seconds(), 1736849700);
  EXPECT_EQ(a->tags_size(), 2);
}

TEST(ParseArticleJsonTest, RejectsBadInputWithProtobufsMessage) {
  struct Case {
    std::string json;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {"{", "truncated"},
      {"not json", "not JSON"},
      {R"({"id":"a1","titel":"typo"})", "unknown field"},
      {R"({"id":7})", "wrong type"},
      {"[]", "not an object"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseArticleJson(c.json),
                StatusIs(absl::StatusCode::kInvalidArgument, Not(IsEmpty())))
        << c.why;
  }
  EXPECT_THAT(ParseArticleJson(R"({"id":"a1","titel":"typo"})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("titel")));
}

TEST(JsonlArticleReaderTest, LinesNumbersBytesAndText) {
  std::istringstream in(
      "\xEF\xBB\xBF{\"id\":\"a\"}\r\n\n   \n  {\"id\":\"b\"}  \nbad\n{\"id\":\"c\"}");
  JsonlArticleReader reader(in);
  struct Want {
    int64_t line;
    uint64_t bytes;
    std::string text;
  };
  const std::vector<Want> want = {
      {1, 15, R"({"id":"a"})"}, {2, 16, ""},    {3, 20, ""},
      {4, 35, R"({"id":"b"})"}, {5, 39, "bad"}, {6, 50, R"({"id":"c"})"}};
  for (const Want& w : want) {
    ASSERT_TRUE(reader.NextLine()) << "line " << w.line;
    EXPECT_EQ(reader.line_number(), w.line);
    EXPECT_EQ(reader.bytes_read(), w.bytes) << "line " << w.line;
    EXPECT_EQ(reader.text(), w.text) << "line " << w.line;
    EXPECT_EQ(reader.blank(), w.text.empty()) << "line " << w.line;
  }
  EXPECT_FALSE(reader.NextLine());
  EXPECT_FALSE(in.bad());
}

TEST(JsonlArticleReaderTest, ByteOrderMarkOnlyOnTheFirstLine) {
  std::istringstream in("{\"id\":\"a\"}\n\xEF\xBB\xBF{\"id\":\"b\"}\n");
  JsonlArticleReader reader(in);
  ASSERT_TRUE(reader.NextLine());
  EXPECT_THAT(reader.ParseLine(), IsOk());
  ASSERT_TRUE(reader.NextLine());
  EXPECT_THAT(reader.ParseLine(), StatusIs(absl::StatusCode::kInvalidArgument, Not(IsEmpty())));
}

TEST(JsonlArticleReaderTest, NextArticleSkipsBlankAndMalformedLines) {
  std::istringstream in("{\"id\":\"a\"}\n\nnot json\n{\"id\":\"b\",\"nope\":1}\n{\"id\":\"c\"}\n");
  JsonlArticleReader reader(in);
  std::vector<std::string> ids;
  v1::Article article;
  while (reader.NextArticle(&article)) ids.push_back(article.id());
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(reader.line_number(), 5);
}

TEST(JsonlArticleReaderTest, EmptyInput) {
  std::istringstream in("");
  JsonlArticleReader reader(in);
  v1::Article article;
  EXPECT_FALSE(reader.NextArticle(&article));
  EXPECT_EQ(reader.line_number(), 0);
  EXPECT_EQ(reader.bytes_read(), 0u);
}

}  // namespace
}  // namespace storyline::common
