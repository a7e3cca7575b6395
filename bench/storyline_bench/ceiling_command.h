// `storyline-bench ceiling`: in one run, the service's Search closed-loop
// throughput, raw in-process Xapian on the same index, queries and threads,
// and an in-process gRPC echo driven by the same client; with the ratios.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_CEILING_COMMAND_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_CEILING_COMMAND_H_

#include <CLI/CLI.hpp>

namespace storyline::bench {

// Registers the subcommand on `app`; its callback runs it and makes main
// return its exit code.
void AddCeilingCommand(CLI::App& app);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_CEILING_COMMAND_H_
