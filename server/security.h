// The server's transport and call security, from its flags: plaintext, TLS
// or mutual TLS credentials, the bearer-token Authenticator, and the rule
// that a non-loopback listen address needs TLS and a write token unless the
// operator says --insecure_public.
//
// Thread-safety: LoadSecurity() is a function of its options; the returned
// objects are immutable.
#ifndef STORYLINE_SERVER_SECURITY_H_
#define STORYLINE_SERVER_SECURITY_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/auth.h"

namespace storyline::server {

// File names are as given on the command line; empty means unset.
struct SecurityOptions {
  std::string listen;
  // PEM certificate chain and key; TLS when set (both are required).
  std::string tls_cert_file = "";
  std::string tls_key_file = "";
  // PEM CA certificates: require and verify client certificates (mutual
  // TLS). Needs TLS.
  std::string tls_client_ca_file = "";
  // Token files (see common/token_file.h). The read token needs the write
  // token.
  std::string write_token_file = "";
  std::string read_token_file = "";
  // Allow a non-loopback `listen` without TLS and a write token.
  bool insecure_public = false;
};

struct Security {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Null when no token file is set: no calls are checked.
  std::unique_ptr<Authenticator> auth;
  // E.g. "TLS, tokens required for reads and writes" (never a token).
  std::string summary;
};

// Reads the files `options` name and applies the listen rule. Fails with
// kInvalidArgument (unreadable or empty files, unusable tokens, a read
// token without a write token, a client CA without TLS) or
// kFailedPrecondition (a public address without TLS and a write token);
// messages name the flags that fix it and never quote a token. Logs a
// warning when --insecure_public is what lets the server start.
absl::StatusOr<Security> LoadSecurity(const SecurityOptions& options);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_SECURITY_H_
