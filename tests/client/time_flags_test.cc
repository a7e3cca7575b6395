// The CLI's time flags: points in time (RFC 3339, dates, ages), spans and
// signed offsets, with their usage messages.
#include "client/cli/time_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace storyline::cli {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ParseTimeFlagTest, AcceptsRfc3339) {
  absl::StatusOr<absl::Time> t = ParseTimeFlag("--after", "2025-01-14T10:15:00Z");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(absl::ToUnixSeconds(*t), 1736849700);
  t = ParseTimeFlag("--after", "2025-01-14T11:15:00.5+01:00");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*t, absl::FromUnixSeconds(1736849700) + absl::Milliseconds(500));
  EXPECT_THAT(ParseTimeFlag("--after", "0001-01-01T00:00:00Z"), IsOk());
  EXPECT_THAT(ParseTimeFlag("--after", "9999-12-31T23:59:59.999Z"), IsOk());
}

TEST(ParseTimeFlagTest, RejectsOtherFormsNamingTheFlag) {
  for (const std::string value : {"2025-01-31", "yesterday", "", "2025-13-01T00:00:00Z"}) {
    EXPECT_THAT(ParseTimeFlag("--before", value),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("--before: \"" + value +
                                   "\" is not an RFC 3339 time such as 2025-01-31T09:00:00Z (")))
        << value;
  }
}

TEST(ParseTimeFlagTest, RejectsTimesATimestampCannotHold) {
  for (const std::string value : {"infinite-future", "infinite-past", "10000-01-01T00:00:00Z"}) {
    EXPECT_THAT(ParseTimeFlag("--after", value),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "--after: \"" + value + "\" is outside years 0001..9999"))
        << value;
  }
}

TEST(ParseTimeFlagTest, SanitizesTheValueInTheMessage) {
  EXPECT_THAT(ParseTimeFlag("--after", "2025\x1b[31m"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"2025 [31m\"")));
}

TEST(ParseTimeOrAgeTest, AgesCountBackFromNow) {
  const absl::Time now = absl::FromUnixSeconds(1736849700);
  struct Case {
    std::string value;
    absl::Duration age;
  };
  const std::vector<Case> cases = {
      {"7d", absl::Hours(24 * 7)},  {"0d", absl::ZeroDuration()}, {"36h", absl::Hours(36)},
      {"90m", absl::Minutes(90)},   {"1h30m", absl::Minutes(90)}, {"100000d", absl::Hours(2400000)},
      {"0s", absl::ZeroDuration()},
  };
  for (const Case& c : cases) {
    absl::StatusOr<absl::Time> since = ParseTimeOrAge("--since", c.value, now);
    ASSERT_THAT(since, IsOk()) << c.value;
    EXPECT_EQ(*since, now - c.age) << c.value;
  }
}

TEST(ParseTimeOrAgeTest, AcceptsAnRfc3339Time) {
  absl::StatusOr<absl::Time> since = ParseTimeOrAge("--since", "2025-01-01T00:00:00Z", absl::Now());
  ASSERT_THAT(since, IsOk());
  EXPECT_EQ(absl::ToUnixSeconds(*since), 1735689600);
}

TEST(ParseTimeOrAgeTest, ADateIsItsFirstOrLastSecond) {
  absl::StatusOr<absl::Time> first = ParseTimeOrAge("--after", "2021-01-01", absl::Now());
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(absl::ToUnixSeconds(*first), 1609459200);
  absl::StatusOr<absl::Time> last =
      ParseTimeOrAge("--before", "2021-01-01", absl::Now(), DayEdge::kLastSecond);
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(absl::ToUnixSeconds(*last), 1609459200 + 86399);
}

TEST(ParseTimeOrAgeTest, RejectsEverythingElseNamingTheFlag) {
  for (const std::string value :
       {"d", "-1d", "100001d", "-3h", "soon", "2025-13-01", "2025-1-1", "", "+7d"}) {
    EXPECT_THAT(ParseTimeOrAge("--after", value, absl::Now()),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         "--after: \"" + value +
                             "\" is not a time; give an age (7d, 36h, 90m), a date (2025-01-31) "
                             "or an RFC 3339 time (2025-01-31T09:00:00Z)"))
        << value;
  }
  EXPECT_THAT(ParseTimeOrAge("--since", "10000-01-01T00:00:00Z", absl::Now()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("outside years 0001..9999")));
}

TEST(ParseSpanTest, TakesNonNegativeSpans) {
  EXPECT_EQ(*ParseSpan("--freshness", "7d"), absl::Hours(168));
  EXPECT_EQ(*ParseSpan("--freshness", "90m"), absl::Minutes(90));
  EXPECT_EQ(*ParseSpan("--freshness", "0"), absl::ZeroDuration());
  for (const std::string value : {"-1d", "weekly", "", "7days"}) {
    EXPECT_THAT(ParseSpan("--freshness", value),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("--freshness: \"" + value + "\" is not a span")))
        << value;
  }
}

TEST(ParseOffsetTest, TakesSignedSpans) {
  EXPECT_EQ(*ParseOffset("--window", "-3d"), -absl::Hours(72));
  EXPECT_EQ(*ParseOffset("--window", "+3d"), absl::Hours(72));
  EXPECT_EQ(*ParseOffset("--window", "36h"), absl::Hours(36));
  EXPECT_EQ(*ParseOffset("--window", "0"), absl::ZeroDuration());
  EXPECT_EQ(*ParseOffset("--window", "-1h30m"), -absl::Minutes(90));
  for (const std::string value : {"--3d", "+-3d", "", "-", "soon"}) {
    EXPECT_THAT(ParseOffset("--window", value),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not an offset")))
        << value;
  }
}

}  // namespace
}  // namespace storyline::cli
