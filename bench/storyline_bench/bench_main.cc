// storyline-bench: load-tests a Storyline server and measures its ceilings.
//
//   storyline-bench run --addr HOST:PORT --corpus FILE.jsonl --concurrency 8 --duration 10
//   storyline-bench run --addr HOST:PORT --corpus FILE.jsonl --rate 500 --json out.json
//   storyline-bench sweep --addr HOST:PORT --corpus FILE.jsonl --p99_bound_ms 10 --svg c.svg
//   storyline-bench ceiling --addr HOST:PORT --corpus FILE.jsonl --index INDEX_DIR
//   storyline-bench generate --count 1000000 --seed 1 --out gen-1m.jsonl
//
// Each subcommand lives in its own *_command.cc; the load engine in
// load_engine.cc. Exit codes: 0 ok, 1 every call failed or --max_errors
// exceeded, 2 usage error, 3 server not healthy at the start.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "bench/storyline_bench/bench_options.h"
#include "bench/storyline_bench/ceiling_command.h"
#include "bench/storyline_bench/generate_command.h"
#include "bench/storyline_bench/run_command.h"
#include "bench/storyline_bench/sweep_command.h"

namespace storyline::bench {
namespace {

int Main(int argc, char** argv) {
  CLI::App app("Load-test a Storyline server and measure its ceilings.", "storyline-bench");
  app.require_subcommand(1);
  AddRunCommand(app);
  AddSweepCommand(app);
  AddCeilingCommand(app);
  AddGenerateCommand(app);
  app.footer(
      "Exit codes: 0 ok, 1 every call failed or --max_errors exceeded, 2 usage error, "
      "3 server not healthy.");
  try {
    app.parse(argc, argv);  // the chosen subcommand runs in its callback
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a subcommand's own exit code (ExitWith)
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  return kExitOk;
}

}  // namespace
}  // namespace storyline::bench

int main(int argc, char** argv) {
  try {
    return storyline::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "storyline-bench: internal error: " << e.what() << '\n';
    return 1;
  }
}
