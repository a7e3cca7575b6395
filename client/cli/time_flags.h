// Time-valued flags of the `storyline` CLI: RFC 3339 times (search --after
// and --before) and ages or times (clusters --since, search --recent).
// Errors are kInvalidArgument with the message the CLI prints as a usage
// error: it names the flag and shows the expected form.
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
// forms ("2025-01-31", the usual mistake, has no time and zone) and for
// times outside years 0001..9999, which a Timestamp cannot hold.
absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag, const std::string& value);

// Parses --since: "7d", "36h", "90m" (that long before `now`; at most
// 100,000 days) or an RFC 3339 time.
absl::StatusOr<absl::Time> ParseSince(const std::string& value, absl::Time now);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_TIME_FLAGS_H_
