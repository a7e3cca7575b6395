// The query-words positional of `storyline search` and `clusters`, which
// must also take words that start with '-' once they follow `--`:
//
//   storyline search rates -- -mortgage
//
// CLI11 (2.1) hands everything after a `--` back to the parent command
// once a subcommand's positionals look satisfied, and "rates" already
// satisfies a list of words, so "-mortgage" was refused as an unknown
// argument. A hidden second positional that is never satisfied keeps the
// words after `--` in the subcommand; they still land in the query list.
//
// Thread-safety: used by the CLI's one thread while it builds the parser.
#ifndef STORYLINE_CLIENT_CLI_QUERY_OPTION_H_
#define STORYLINE_CLIENT_CLI_QUERY_OPTION_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace storyline::cli {

// Adds the "query" positional to `cmd`, bound to `*words` (which must
// outlive parsing), described by `description`.
void AddQueryWordsOption(CLI::App* cmd, std::vector<std::string>* words,
                         const std::string& description);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_QUERY_OPTION_H_
