// Time-valued flags of the `storyline` CLI: points in time (search --after
// and --before, clusters --since, recommend --as-of), spans (search
// --recent, recommend --freshness) and signed offsets (similar --window).
// One parser per kind, so every command accepts the same forms. Errors are
// kInvalidArgument with the message the CLI prints as a usage error: it
// names the flag and shows the expected forms.
//
// Thread-safety: free functions without shared state.
#ifndef STORYLINE_CLIENT_CLI_TIME_FLAGS_H_
#define STORYLINE_CLIENT_CLI_TIME_FLAGS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace storyline::cli {

// Parses the RFC 3339 value of `flag` (e.g. "--after"). Fails for other
// forms ("2025-01-31" has no time and zone) and for times outside years
// 0001..9999, which a Timestamp cannot hold.
absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag, const std::string& value);

// Which instant of its day a date-only value ("2025-01-31") stands for.
enum class DayEdge { kFirstSecond, kLastSecond };

// Parses a point in time for `flag`: an RFC 3339 time; a UTC date
// (2025-01-31), its first second or, with DayEdge::kLastSecond, its last
// (so `--before 2025-01-31` keeps the whole day); or an age such as 7d,
// 36h or 90m (that long before `now`; at most 100,000 days).
absl::StatusOr<absl::Time> ParseTimeOrAge(absl::string_view flag, const std::string& value,
                                          absl::Time now,
                                          DayEdge date_means = DayEdge::kFirstSecond);

// Parses a non-negative span for `flag` ("7d", "36h", "90m", "1h30m"; at
// most 100,000 days), e.g. a half-life.
absl::StatusOr<absl::Duration> ParseSpan(absl::string_view flag, const std::string& value);

// Parses a signed offset for `flag`: a span with an optional sign ("-3d",
// "+36h", "0").
absl::StatusOr<absl::Duration> ParseOffset(absl::string_view flag, const std::string& value);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_TIME_FLAGS_H_
