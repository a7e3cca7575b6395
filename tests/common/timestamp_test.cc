#include "common/timestamp.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/status_matchers.h"

namespace storyline::common {
namespace {

using ::storyline::testing::IsOk;
using ::storyline::testing::StatusIs;

google::protobuf::Timestamp Ts(int64_t seconds, int32_t nanos) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

TEST(TimestampTest, RangeIsYears1Through9999) {
  absl::Time min, max;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, "0001-01-01T00:00:00Z", &min, &error)) << error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, "9999-12-31T23:59:59Z", &max, &error)) << error;
  EXPECT_EQ(absl::ToUnixSeconds(min), kMinTimestampSeconds);
  EXPECT_EQ(absl::ToUnixSeconds(max), kMaxTimestampSeconds);
}

TEST(TimestampTest, CheckTimestamp) {
  struct Case {
    int64_t seconds;
    int32_t nanos;
    bool valid;
  };
  const std::vector<Case> cases = {
      {0, 0, true},
      {kMinTimestampSeconds, 0, true},
      {kMaxTimestampSeconds, 999999999, true},
      {kMinTimestampSeconds - 1, 999999999, false},
      {kMaxTimestampSeconds + 1, 0, false},
      {0, -1, false},
      {0, 1000000000, false},
  };
  for (const Case& c : cases) {
    const absl::Status s = CheckTimestamp(Ts(c.seconds, c.nanos), "filter.published_after");
    if (c.valid) {
      EXPECT_THAT(s, IsOk()) << c.seconds << "s " << c.nanos << "ns";
    } else {
      EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                              "filter.published_after is not a valid timestamp; use a time "
                              "between years 1 and 9999"))
          << c.seconds << "s " << c.nanos << "ns";
    }
    EXPECT_EQ(IsValidTimestamp(Ts(c.seconds, c.nanos)), c.valid);
  }
}

TEST(TimestampTest, IsInTimestampRange) {
  const absl::Time min = absl::FromUnixSeconds(kMinTimestampSeconds);
  const absl::Time end = absl::FromUnixSeconds(kMaxTimestampSeconds + 1);
  EXPECT_TRUE(IsInTimestampRange(min));
  EXPECT_TRUE(IsInTimestampRange(absl::UnixEpoch()));
  EXPECT_TRUE(IsInTimestampRange(end - absl::Nanoseconds(1)));
  EXPECT_FALSE(IsInTimestampRange(end));
  EXPECT_FALSE(IsInTimestampRange(min - absl::Nanoseconds(1)));
  EXPECT_FALSE(IsInTimestampRange(absl::InfiniteFuture()));
  EXPECT_FALSE(IsInTimestampRange(absl::InfinitePast()));
}

TEST(TimestampTest, ConversionsRoundTrip) {
  for (const google::protobuf::Timestamp& t :
       {Ts(0, 0), Ts(1736849700, 5), Ts(-1, 999999999), Ts(kMinTimestampSeconds, 0),
        Ts(kMaxTimestampSeconds, 999999999)}) {
    const google::protobuf::Timestamp back = ToTimestamp(FromTimestamp(t));
    EXPECT_EQ(back.seconds(), t.seconds());
    EXPECT_EQ(back.nanos(), t.nanos());
  }
}

TEST(TimestampTest, ToTimestampKeepsNanosNonNegative) {
  // Half a second before the epoch is -1 s + 500,000,000 ns, not 0 s - 0.5 s.
  const google::protobuf::Timestamp t = ToTimestamp(absl::UnixEpoch() - absl::Milliseconds(500));
  EXPECT_EQ(t.seconds(), -1);
  EXPECT_EQ(t.nanos(), 500000000);
  EXPECT_THAT(CheckTimestamp(t, "t"), IsOk());
}

}  // namespace
}  // namespace storyline::common
