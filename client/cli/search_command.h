// `storyline search QUERY...`: full-text search with filters, ordering,
// facets and paging.
#ifndef STORYLINE_CLIENT_CLI_SEARCH_COMMAND_H_
#define STORYLINE_CLIENT_CLI_SEARCH_COMMAND_H_

#include <CLI/CLI.hpp>

#include "client/cli/command.h"

namespace storyline::cli {

// Adds the `search` subcommand to `app`.
Command AddSearchCommand(CLI::App& app);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_SEARCH_COMMAND_H_
