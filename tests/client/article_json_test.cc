// Ingest's JSON line parser: valid lines parse; a bad line's reason names
// the field and the fix rather than quoting protobuf.
#include "client/cli/article_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/status_matchers.h"

namespace storyline::cli {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParseArticleLineTest, ParsesAValidLine) {
  absl::StatusOr<v1::Article> a = ParseArticleLine(
      R"({"id":"a1","title":"T","body":"B","publish_time":"2024-05-01T12:00:00Z","tags":["x"]})",
      false);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->id(), "a1");
  EXPECT_EQ(a->publish_time().seconds(), 1714564800);
  EXPECT_THAT(ParseArticleLine(R"({"id":"a1","publishTime":"2024-05-01T12:00:00Z"})", false),
              IsOk());
}

TEST(ParseArticleLineTest, BadTimeNamesTheFieldAndTheForm) {
  const absl::StatusOr<v1::Article> a =
      ParseArticleLine(R"({"id":"a3","title":"T","publish_time":"yesterday"})", false);
  EXPECT_THAT(a, StatusIs(absl::StatusCode::kInvalidArgument,
                          "publish_time: 'yesterday' is not an RFC 3339 time, e.g. "
                          "2024-05-01T12:00:00Z"));
  EXPECT_THAT(a.status().message(), Not(HasSubstr("googleapis")));
}

TEST(ParseArticleLineTest, UnknownFieldIsNamedAndTheFlagSuggested) {
  const std::string line = R"({"id":"a4","title":"T","tittle":"x","body":"B"})";
  EXPECT_THAT(ParseArticleLine(line, false),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::AllOf(HasSubstr("unknown field \"tittle\""),
                                        HasSubstr("--ignore_unknown_fields"))));
  absl::StatusOr<v1::Article> a = ParseArticleLine(line, true);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->title(), "T");
}

TEST(ParseArticleLineTest, IgnoringUnknownFieldsStillChecksKnownOnes) {
  EXPECT_THAT(ParseArticleLine(R"({"extra":1,"publish_time":"soon"})", true),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("publish_time: 'soon'")));
}

TEST(ParseArticleLineTest, WrongTypesNameTheField) {
  EXPECT_THAT(ParseArticleLine(R"({"id":5,"title":"T"})", false),
              StatusIs(absl::StatusCode::kInvalidArgument, "id: expected a string, got 5"));
  EXPECT_THAT(ParseArticleLine(R"({"id":"a","tags":[1]})", false),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("tags: expected a list of strings, got [1]")));
  EXPECT_THAT(
      ParseArticleLine(R"({"id":"a","publish_time":20240501})", false),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "publish_time: 20240501 is not an RFC 3339 time, e.g. 2024-05-01T12:00:00Z"));
}

TEST(ParseArticleLineTest, NotJsonSaysSo) {
  EXPECT_THAT(ParseArticleLine(R"({"id":"a", broken)", false),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a JSON object")));
  EXPECT_THAT(ParseArticleLine("[1,2]", false),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a JSON object")));
}

}  // namespace
}  // namespace storyline::cli
