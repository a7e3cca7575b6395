// `storyline-bench run`: one load run against a server, closed loop
// (--concurrency) or open loop (--rate), with a table on stdout, a live
// line each second on stderr, and --json / --csv files.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_RUN_COMMAND_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_RUN_COMMAND_H_

#include <CLI/CLI.hpp>

namespace storyline::bench {

// Registers the subcommand on `app`; its callback runs it and makes main
// return its exit code.
void AddRunCommand(CLI::App& app);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_RUN_COMMAND_H_
