#include "client/cli/validators.h"

#include <string>

#include "client/cli/output.h"

namespace storyline::cli {

CLI::Validator Utf8Validator() {
  return CLI::Validator(
      [](std::string& value) {
        return IsValidUtf8(value) ? std::string() : std::string("not valid UTF-8");
      },
      "");
}

CLI::Validator NonNegativeValidator() {
  return CLI::Validator(
      [](std::string& value) {
        return !value.empty() && value[0] == '-' ? std::string("must not be negative")
                                                 : std::string();
      },
      "");
}

}  // namespace storyline::cli
