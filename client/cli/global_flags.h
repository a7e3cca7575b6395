// The `storyline` options accepted before or after any subcommand
// (GlobalFlags, in output.h): their registration, their checks, and the
// Client::Options they describe.
//
// Thread-safety: used by the CLI's one thread.
#ifndef STORYLINE_CLIENT_CLI_GLOBAL_FLAGS_H_
#define STORYLINE_CLIENT_CLI_GLOBAL_FLAGS_H_

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli/output.h"
#include "storyline/client.h"

namespace storyline::cli {

// Adds --addr, --json, --deadline, --verbose, --token-file and the --tls*
// options to `app`, bound to `*global`, which must outlive parsing.
// Returns the --deadline option, whose count() says whether it was given.
CLI::Option* AddGlobalOptions(CLI::App& app, GlobalFlags* global);

// OK if --deadline is a number of seconds above 0 and at most a year (NaN
// fails too); else kInvalidArgument with the usage message.
absl::Status CheckDeadline(const GlobalFlags& global);

// The client options of the global flags: target, deadline, an unlimited
// reply size, and the token (--token-file, else $STORYLINE_TOKEN) and TLS
// credentials. kInvalidArgument (a usage error) names the flag to fix and
// never quotes the token.
absl::StatusOr<Client::Options> MakeClientOptions(const GlobalFlags& global);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_GLOBAL_FLAGS_H_
