// The `storyline` subcommands that read stories other than by search:
// `get ID`, `similar ID|--text`, `recommend IDS...` and `clusters QUERY...`.
#ifndef STORYLINE_CLIENT_CLI_STORY_COMMANDS_H_
#define STORYLINE_CLIENT_CLI_STORY_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "client/cli/command.h"

namespace storyline::cli {

// Each adds its subcommand to `app`.
Command AddGetCommand(CLI::App& app);
Command AddSimilarCommand(CLI::App& app);
Command AddRecommendCommand(CLI::App& app);
Command AddClustersCommand(CLI::App& app);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_STORY_COMMANDS_H_
