#include "client/cli/global_flags.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/cli/validators.h"
#include "storyline/channel.h"
#include "storyline/credentials.h"

namespace storyline::cli {
namespace {

// The bearer token of --token-file, else of $STORYLINE_TOKEN, into
// `options`; none if neither is given.
absl::Status ApplyToken(const GlobalFlags& global, Client::Options* options) {
  if (!global.token_file.empty()) {
    absl::StatusOr<std::string> token = ReadTokenFile(global.token_file);
    if (!token.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--token-file: ", token.status().message()));
    }
    options->token = std::move(*token);
  } else if (const char* env = std::getenv("STORYLINE_TOKEN"); env != nullptr && *env != '\0') {
    if (absl::Status s = ValidateToken(env); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("$STORYLINE_TOKEN: ", s.message()));
    }
    options->token = env;
  }
  return absl::OkStatus();
}

// TLS credentials into `options` when --tls or any --tls-* file is given.
absl::Status ApplyTls(const GlobalFlags& global, Client::Options* options) {
  if (!global.tls && global.tls_ca.empty() && global.tls_cert.empty() && global.tls_key.empty()) {
    return absl::OkStatus();
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> creds = MakeTlsCredentials(
      {.ca_file = global.tls_ca, .cert_file = global.tls_cert, .key_file = global.tls_key});
  if (!creds.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        creds.status().message(), " (--tls-ca, --tls-cert and --tls-key take PEM files)"));
  }
  options->credentials = std::move(*creds);
  return absl::OkStatus();
}

}  // namespace

CLI::Option* AddGlobalOptions(CLI::App& app, GlobalFlags* global) {
  app.add_option("--addr", global->addr,
                 "Server address HOST:PORT; several replicas (round robin, reads retried): "
                 "IP:PORT,IP:PORT or dns:///NAME:PORT")
      ->envname("STORYLINE_ADDR")
      ->capture_default_str()
      ->check(Utf8Validator());
  app.add_flag("--json", global->json, "Print responses as proto3 JSON, one object per line");
  CLI::Option* deadline =
      app.add_option("--deadline", global->deadline_seconds,
                     "Per-call deadline in seconds (ingest: 1 hour unless given)")
          ->capture_default_str();
  app.add_flag("-v,--verbose", global->verbose, "Print the time each RPC takes to stderr");
  app.add_option("--token-file,--token_file", global->token_file,
                 "File holding the bearer token the server requires (else $STORYLINE_TOKEN); "
                 "sent as 'authorization: Bearer <token>'");
  app.add_flag("--tls", global->tls, "Connect with TLS (implied by the --tls-* files)");
  app.add_option("--tls-ca,--tls_ca", global->tls_ca,
                 "PEM CA certificates that sign the server's certificate (default: system roots)");
  CLI::Option* tls_cert = app.add_option("--tls-cert,--tls_cert", global->tls_cert,
                                         "PEM client certificate, for mutual TLS");
  CLI::Option* tls_key =
      app.add_option("--tls-key,--tls_key", global->tls_key, "PEM private key of --tls-cert");
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  return deadline;
}

absl::Status CheckDeadline(const GlobalFlags& global) {
  // Written as a negated range so NaN fails too; a year is the largest
  // deadline that clearly means "wait" rather than a typo.
  if (!(global.deadline_seconds > 0 && global.deadline_seconds <= 365.0 * 24 * 3600)) {
    return absl::InvalidArgumentError(
        "--deadline must be a number of seconds above 0 and at most a year");
  }
  return absl::OkStatus();
}

absl::StatusOr<Client::Options> MakeClientOptions(const GlobalFlags& global) {
  if (absl::StatusOr<ChannelPlan> plan = PlanChannel(global.addr); !plan.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--addr: ", plan.status().message()));
  }
  Client::Options options;
  options.target = global.addr;
  options.default_deadline = absl::Seconds(global.deadline_seconds);
  // gRPC clients refuse replies over 4 MiB by default; a page of 100 results
  // with --body can be larger, and the CLI trusts the server it talks to.
  options.channel_args.SetMaxReceiveMessageSize(-1);
  if (absl::Status s = ApplyToken(global, &options); !s.ok()) return s;
  if (absl::Status s = ApplyTls(global, &options); !s.ok()) return s;
  return options;
}

}  // namespace storyline::cli
