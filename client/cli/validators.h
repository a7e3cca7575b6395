// CLI11 validators shared by the `storyline` subcommands.
//
// Thread-safety: free functions without shared state.
#ifndef STORYLINE_CLIENT_CLI_VALIDATORS_H_
#define STORYLINE_CLIENT_CLI_VALIDATORS_H_

#include <CLI/CLI.hpp>

namespace storyline::cli {

// Rejects values that are not UTF-8 ("not valid UTF-8"). Protobuf string
// fields must be UTF-8; catching bad bytes here gives a usage error instead
// of an opaque serialization failure on the server.
CLI::Validator Utf8Validator();

// Rejects negative numbers ("must not be negative"). CLI11's own
// NonNegativeNumber prints its upper bound as a 300-digit double.
CLI::Validator NonNegativeValidator();

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_VALIDATORS_H_
