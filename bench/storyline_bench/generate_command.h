// `storyline-bench generate`: writes N distinct, realistic articles, the
// same bytes for the same --seed and data, built from the sentences,
// titles and topics of a folder of real articles, as the JSONL that
// `storyline ingest` reads.
//
//   storyline-bench generate --count 100000 --seed 1 --out /work/gen/100k.jsonl
//
// Exit status: the subcommand runs from its CLI11 callback, inside
// app.parse(). A bad flag throws a CLI::ParseError: CLI11's own (unknown
// option, a value that does not convert or is out of range) or a
// CLI::ValidationError with exit code 2 from the checks here; a failure
// while running (unreadable data, unwritable output) prints its reason to
// stderr and throws CLI::RuntimeError(1). A main that catches
// CLI::ParseError, calls app.exit(e), and answers 2 for any code but 0 and
// RuntimeError's 1, gives: 0 ok, 1 failed, 2 usage error.
//
// Thread-safety: for the program's main thread.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_COMMAND_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline::bench {

// Adds the `generate` subcommand to `app`.
void AddGenerateCommand(CLI::App& app);

// Parses a --from/--to value: a day (YYYY-MM-DD, taken as its first
// second, or its last when `end_of_day`) or an RFC 3339 time. Returns Unix
// seconds, or kInvalidArgument naming `flag`.
absl::StatusOr<int64_t> ParseDayOrTime(absl::string_view flag, absl::string_view value,
                                       bool end_of_day);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_COMMAND_H_
