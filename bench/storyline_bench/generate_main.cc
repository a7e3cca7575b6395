// storyline-bench-generate: `generate` alone, until the storyline-bench
// binary (which calls AddGenerateCommand) is merged.
//
//   storyline-bench-generate generate --count 1000 --out articles.jsonl
#include <CLI/CLI.hpp>

#include "bench/storyline_bench/generate_command.h"

int main(int argc, char** argv) {
  CLI::App app("Generate Storyline benchmark corpora.", "storyline-bench-generate");
  app.require_subcommand(1);
  storyline::bench::AddGenerateCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 || e.get_name() == "RuntimeError" ? code : 2;
  }
  return 0;
}
