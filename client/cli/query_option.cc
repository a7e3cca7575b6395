#include "client/cli/query_option.h"

#include "client/cli/validators.h"

namespace storyline::cli {

void AddQueryWordsOption(CLI::App* cmd, std::vector<std::string>* words,
                         const std::string& description) {
  cmd->add_option("query", *words, description)->check(Utf8Validator());
  // Never filled: "query" takes every word first. Its unmet minimum is what
  // keeps `--` and the words after it in this subcommand (see the header).
  // (CLI11 allows one positional of unlimited size, so this takes one word.)
  cmd->add_option_function<std::string>(
         "query-guard", [words](const std::string& word) { words->push_back(word); })
      ->group("");
}

}  // namespace storyline::cli
