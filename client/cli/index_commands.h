// The `storyline` subcommands that change or inspect the index and the
// server: `ingest FILE|-`, `delete IDS...`, `stats` and `health [SERVICE]`.
#ifndef STORYLINE_CLIENT_CLI_INDEX_COMMANDS_H_
#define STORYLINE_CLIENT_CLI_INDEX_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "client/cli/command.h"

namespace storyline::cli {

// Each adds its subcommand to `app`.
Command AddIngestCommand(CLI::App& app);
Command AddDeleteCommand(CLI::App& app);
Command AddStatsCommand(CLI::App& app);
Command AddHealthCommand(CLI::App& app);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_INDEX_COMMANDS_H_
