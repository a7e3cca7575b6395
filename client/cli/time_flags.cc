#include "client/cli/time_flags.h"

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/output.h"
#include "common/timestamp.h"

namespace storyline::cli {
namespace {

// The longest span an age or half-life may be.
constexpr int64_t kMaxAgeDays = 100000;

// A span such as "7d" (days, which absl::ParseDuration lacks), "36h" or
// "90m"; nullopt for anything else, negative spans included.
std::optional<absl::Duration> ParseAge(absl::string_view value) {
  int64_t days = 0;
  if (value.size() > 1 && value.back() == 'd' &&
      absl::SimpleAtoi(value.substr(0, value.size() - 1), &days) && days >= 0 &&
      days <= kMaxAgeDays && value[0] != '+') {
    return absl::Hours(24 * days);
  }
  absl::Duration age;
  if (absl::ParseDuration(value, &age) && age >= absl::ZeroDuration() &&
      age <= absl::Hours(24 * kMaxAgeDays)) {
    return age;
  }
  return std::nullopt;
}

// A UTC date such as "2025-01-31": its first or last second.
std::optional<absl::Time> ParseDate(const std::string& value, DayEdge edge) {
  absl::Time day;
  std::string error;
  if (value.size() != 10 ||
      !absl::ParseTime("%Y-%m-%d", value, absl::UTCTimeZone(), &day, &error)) {
    return std::nullopt;
  }
  return edge == DayEdge::kFirstSecond ? day : day + absl::Hours(24) - absl::Seconds(1);
}

}  // namespace

absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag, const std::string& value) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, value, &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", Sanitize(value),
                     "\" is not an RFC 3339 time such as 2025-01-31T09:00:00Z (", error, ")"));
  }
  // ParseTime also accepts "infinite-future" and years beyond 9999.
  if (!common::IsInTimestampRange(t)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", Sanitize(value), "\" is outside years 0001..9999"));
  }
  return t;
}

absl::StatusOr<absl::Time> ParseTimeOrAge(absl::string_view flag, const std::string& value,
                                          absl::Time now, DayEdge date_means) {
  std::optional<absl::Time> t;
  absl::Time rfc3339;
  std::string error;
  if (std::optional<absl::Duration> age = ParseAge(value)) {
    t = now - *age;
  } else if (std::optional<absl::Time> day = ParseDate(value, date_means)) {
    t = day;
  } else if (absl::ParseTime(absl::RFC3339_full, value, &rfc3339, &error)) {
    t = rfc3339;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": \"", Sanitize(value),
        "\" is not a time; give an age (7d, 36h, 90m), a date (2025-01-31) or an RFC 3339 "
        "time (2025-01-31T09:00:00Z)"));
  }
  if (!common::IsInTimestampRange(*t)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", Sanitize(value), "\" is outside years 0001..9999"));
  }
  return *t;
}

absl::StatusOr<absl::Duration> ParseSpan(absl::string_view flag, const std::string& value) {
  if (std::optional<absl::Duration> span = ParseAge(value)) return *span;
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": \"", Sanitize(value),
                   "\" is not a span such as 7d, 36h or 90m (at most ", kMaxAgeDays, "d)"));
}

absl::StatusOr<absl::Duration> ParseOffset(absl::string_view flag, const std::string& value) {
  absl::string_view magnitude = value;
  const bool negative = !magnitude.empty() && magnitude[0] == '-';
  if (!magnitude.empty() && (magnitude[0] == '-' || magnitude[0] == '+')) {
    magnitude.remove_prefix(1);
  }
  // ParseAge rejects a second sign ("--3d").
  std::optional<absl::Duration> span = ParseAge(magnitude);
  if (!span.has_value() || (!magnitude.empty() && (magnitude[0] == '-' || magnitude[0] == '+'))) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": \"", Sanitize(value),
                     "\" is not an offset such as -3d, +36h, 90m or 0 (a sign, then a span)"));
  }
  return negative ? -*span : *span;
}

}  // namespace storyline::cli
