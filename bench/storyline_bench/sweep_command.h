// `storyline-bench sweep`: open-loop runs at a rising offered rate until
// p99 passes --p99_bound_ms (or errors appear, or the achieved rate falls
// below 95% of the offered); a table, an SVG curve (--svg) and --json.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_SWEEP_COMMAND_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_SWEEP_COMMAND_H_

#include <CLI/CLI.hpp>

namespace storyline::bench {

// Registers the subcommand on `app`; its callback runs it and makes main
// return its exit code.
void AddSweepCommand(CLI::App& app);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_SWEEP_COMMAND_H_
