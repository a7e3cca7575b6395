// The `storyline` command-line client: one subcommand per RPC of
// StoryService and IngestService, plus a health check.
//
//   storyline search interest rates --topic business --newest
//   storyline ingest articles.jsonl
//   storyline --json stats
//
// Output is readable text, or with --json one proto3 JSON object per line.
// Exit codes: 0 success, 1 ingest rejected some lines, 2 usage error,
// 3 the RPC failed.
//
// Servers that require credentials: --token-file (or $STORYLINE_TOKEN) for
// the bearer token, --tls-ca / --tls-cert / --tls-key for (mutual) TLS.
//
// This file parses the command line and dispatches; each subcommand lives
// in search_command.cc, story_commands.cc or index_commands.cc (ingest in
// ingest.cc), the text output in printers.cc.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli/command.h"
#include "client/cli/global_flags.h"
#include "client/cli/help_formatter.h"
#include "client/cli/index_commands.h"
#include "client/cli/output.h"
#include "client/cli/search_command.h"
#include "client/cli/story_commands.h"
#include "storyline/build_info.h"
#include "storyline/client.h"

namespace storyline::cli {
namespace {

// Every subcommand, in the order `--help` lists them.
std::vector<Command> AddCommands(CLI::App& app) {
  std::vector<Command> commands;
  commands.push_back(AddSearchCommand(app));
  commands.push_back(AddGetCommand(app));
  commands.push_back(AddIngestCommand(app));
  commands.push_back(AddDeleteCommand(app));
  commands.push_back(AddStatsCommand(app));
  commands.push_back(AddHealthCommand(app));
  commands.push_back(AddSimilarCommand(app));
  commands.push_back(AddRecommendCommand(app));
  commands.push_back(AddClustersCommand(app));
  return commands;
}

// The flag checks CLI11 cannot express, for the given subcommand; a non-OK
// status is a usage error.
absl::Status CheckFlags(const GlobalFlags& global, const std::vector<Command>& commands) {
  if (absl::Status s = CheckDeadline(global); !s.ok()) return s;
  for (const Command& command : commands) {
    if (!command.app->parsed() || !command.check) continue;
    if (absl::Status s = command.check(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

int Main(int argc, char** argv) {
  CLI::App app("Search and manage a Storyline news index.", "storyline");
  // Global options are also accepted after the subcommand; subcommands
  // created below inherit this.
  app.fallthrough();
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand and exit");
  // Before the subcommands, which copy the parent's formatter.
  app.formatter(std::make_shared<HelpFormatter>());
  app.add_flag_callback(
      "--version",
      [] {
        std::cout << VersionLine("storyline") << '\n';
        throw CLI::Success();  // exit 0 before the subcommand is required
      },
      "Print the version and build, and exit");
  GlobalFlags global;
  CLI::Option* deadline = AddGlobalOptions(app, &global);
  const std::vector<Command> commands = AddCommands(app);
  // Set last: the footer is inherited by subcommands created after it.
  app.footer(
      "Global options may also follow the subcommand. Put query words that start with '-'\n"
      "after --, e.g.: storyline search -- rates -mortgage\n"
      "Exit codes: 0 ok, 1 ingest rejected lines, 2 usage error, 3 RPC failed.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help (exit 0) or the error; every parse error is a usage
    // error to the caller, whatever CLI11's own numbering.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  global.deadline_given = deadline->count() > 0;
  if (absl::Status s = CheckFlags(global, commands); !s.ok()) return ReportUsageError(s.message());
  absl::StatusOr<Client::Options> options = MakeClientOptions(global);
  if (!options.ok()) return ReportUsageError(options.status().message());
  Client client(std::move(*options));
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run(client, global);
  }
  // require_subcommand(1) makes this unreachable.
  return ReportUsageError("a subcommand is required");
}

}  // namespace
}  // namespace storyline::cli

int main(int argc, char** argv) {
  // Only iostreams are used, so they need not sync with stdio; unsynced,
  // std::cin is buffered, which `ingest -` depends on for speed.
  std::ios::sync_with_stdio(false);
  try {
    return storyline::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    // Nothing expected throws here; this keeps a surprise (bad_alloc,
    // thread creation failure) from becoming an abort with a core dump.
    std::cerr << "storyline: internal error: " << e.what() << '\n';
    return 1;
  }
}
