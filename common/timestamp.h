// google.protobuf.Timestamp's valid range (0001-01-01T00:00:00Z through
// 9999-12-31T23:59:59.999999999Z) and conversions to and from absl::Time.
// Outside that range a server cannot read a Timestamp and JSON rendering
// fails, so every Timestamp built from user input is checked first.
//
// Thread-safety: free functions without shared state.
#ifndef STORYLINE_COMMON_TIMESTAMP_H_
#define STORYLINE_COMMON_TIMESTAMP_H_

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace storyline::common {

// Seconds of 0001-01-01T00:00:00Z and of 9999-12-31T23:59:59Z.
inline constexpr int64_t kMinTimestampSeconds =
    google::protobuf::util::TimeUtil::kTimestampMinSeconds;
inline constexpr int64_t kMaxTimestampSeconds =
    google::protobuf::util::TimeUtil::kTimestampMaxSeconds;

// True if `t` has seconds in the valid range and nanos in [0, 1e9).
inline bool IsValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= kMinTimestampSeconds && t.seconds() <= kMaxTimestampSeconds &&
         t.nanos() >= 0 && t.nanos() <= 999999999;
}

// OK if `t` is a valid Timestamp, else kInvalidArgument naming `field`:
// "<field> is not a valid timestamp; use a time between years 1 and 9999".
inline absl::Status CheckTimestamp(const google::protobuf::Timestamp& t, absl::string_view field) {
  if (IsValidTimestamp(t)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, " is not a valid timestamp; use a time between years 1 and 9999"));
}

// True if `t` can be represented as a Timestamp: 0001-01-01T00:00:00Z <= t
// < 10000-01-01T00:00:00Z (so false for the infinite times).
inline bool IsInTimestampRange(absl::Time t) {
  return t >= absl::FromUnixSeconds(kMinTimestampSeconds) &&
         t < absl::FromUnixSeconds(kMaxTimestampSeconds + 1);
}

// `t` as an absl::Time; exact for any valid Timestamp.
inline absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// `t` as a Timestamp, truncated to whole nanoseconds toward the past. Only
// meaningful when IsInTimestampRange(t).
inline google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  // ToUnixSeconds rounds toward the past, so nanos is always in [0, 1e9).
  const int64_t seconds = absl::ToUnixSeconds(t);
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

}  // namespace storyline::common

#endif  // STORYLINE_COMMON_TIMESTAMP_H_
