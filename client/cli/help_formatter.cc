#include "client/cli/help_formatter.h"

#include <vector>

namespace storyline::cli {

std::string HelpFormatter::make_footer(const CLI::App* app) const {
  const CLI::App* parent = app->get_parent();
  if (parent == nullptr) return CLI::Formatter::make_footer(app);
  const std::vector<const CLI::Option*> global =
      parent->get_options([parent](const CLI::Option* option) {
        return option->nonpositional() && option != parent->get_help_ptr() &&
               option != parent->get_help_all_ptr();
      });
  std::string footer;
  if (!global.empty()) {
    // make_group starts with a newline; make_help already ends the groups
    // above with one.
    footer = make_group("Global options (before or after the subcommand)", false, global).substr(1);
    footer += "\n";
  }
  return footer + CLI::Formatter::make_footer(parent);
}

}  // namespace storyline::cli
