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

// The longest age --since and --recent take.
constexpr int64_t kMaxAgeDays = 100000;

// An age such as "7d" (days, which absl::ParseDuration lacks), "36h" or
// "90m"; nullopt for anything else.
std::optional<absl::Duration> ParseAge(const std::string& value) {
  int64_t days = 0;
  if (value.size() > 1 && value.back() == 'd' &&
      absl::SimpleAtoi(absl::string_view(value).substr(0, value.size() - 1), &days) && days >= 0 &&
      days <= kMaxAgeDays) {
    return absl::Hours(24 * days);
  }
  absl::Duration age;
  if (absl::ParseDuration(value, &age) && age >= absl::ZeroDuration() &&
      age <= absl::Hours(24 * kMaxAgeDays)) {
    return age;
  }
  return std::nullopt;
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

absl::StatusOr<absl::Time> ParseSince(const std::string& value, absl::Time now) {
  if (std::optional<absl::Duration> age = ParseAge(value)) return now - *age;
  absl::StatusOr<absl::Time> t = ParseTimeFlag("--since", value);
  if (!t.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--since: \"", Sanitize(value),
        "\" is neither an age (7d, 36h, 90m) nor an RFC 3339 time like 2025-01-31T00:00:00Z"));
  }
  return t;
}

}  // namespace storyline::cli
