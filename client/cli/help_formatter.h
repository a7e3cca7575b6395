// The `storyline` help layout: CLI11's, except that a subcommand's --help
// also lists the global options (--addr, --json, --deadline, --token-file,
// --tls...), which are accepted before or after the subcommand but which
// CLI11 shows only in the top-level help, and ends with the top-level
// footer (exit codes, query words starting with '-').
//
// Thread-safety: immutable once set on the app; used by the CLI's thread.
#ifndef STORYLINE_CLIENT_CLI_HELP_FORMATTER_H_
#define STORYLINE_CLIENT_CLI_HELP_FORMATTER_H_

#include <CLI/CLI.hpp>
#include <string>

namespace storyline::cli {

class HelpFormatter : public CLI::Formatter {
 public:
  // For a subcommand: the parent's options (but its help flags) as a
  // "Global options" group, then the parent's footer. For the top level:
  // its own footer.
  std::string make_footer(const CLI::App* app) const override;
};

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_HELP_FORMATTER_H_
