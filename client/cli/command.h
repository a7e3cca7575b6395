// One subcommand of the `storyline` CLI, as its Add*Command function
// registers it: the CLI11 subcommand, a check of its parsed flags, and the
// RPC it runs.
//
// Thread-safety: used by the CLI's one thread.
#ifndef STORYLINE_CLIENT_CLI_COMMAND_H_
#define STORYLINE_CLIENT_CLI_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

#include "absl/status/status.h"
#include "client/cli/output.h"
#include "storyline/client.h"

namespace storyline::cli {

struct Command {
  // The subcommand; its parsed() says whether it was given. Owned by the
  // parent CLI::App.
  CLI::App* app = nullptr;
  // Checks the parsed flags beyond what CLI11 expresses; a non-OK status
  // is a usage error whose message is printed. Runs before the client is
  // made. May be empty.
  std::function<absl::Status()> check;
  // Runs the command and returns the exit code.
  std::function<int(Client& client, const GlobalFlags& global)> run;
};

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_COMMAND_H_
