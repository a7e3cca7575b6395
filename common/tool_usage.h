// --help for the programs that use Abseil flags (storyline-server,
// storyline-eval). Abseil's --help lists only the flags of a file named
// after the program ("storyline-eval.cc"), so by default it
// found none ("No flags matched"); this points it at the program's own
// *_main.cc.
//
// Thread-safety: call once, at the start of main, before parsing flags.
#ifndef STORYLINE_COMMON_TOOL_USAGE_H_
#define STORYLINE_COMMON_TOOL_USAGE_H_

#include <string>

#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace storyline::common {

// Sets the usage `message` --help prints first, and makes --help list the
// flags defined in the file whose path ends with `main_file` (e.g.
// "load/load_main.cc"). A non-empty `version` is what --version prints
// (Abseil's default names the program and, because Debian's libabsl is
// built without NDEBUG, says "Debug build (NDEBUG not #defined)" whatever
// our own build type).
inline void SetToolUsage(absl::string_view message, absl::string_view main_file,
                         absl::string_view version = "") {
  absl::SetProgramUsageMessage(message);
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [main = std::string(main_file)](absl::string_view path) {
    return absl::EndsWith(path, main);
  };
  if (!version.empty()) {
    usage.version_string = [line = std::string(version)] { return line + "\n"; };
  }
  absl::SetFlagsUsageConfig(usage);
}

}  // namespace storyline::common

#endif  // STORYLINE_COMMON_TOOL_USAGE_H_
