// Credentials for a Storyline server that asks for them: bearer tokens
// (ClientOptions::token) and TLS or mutual TLS (ClientOptions::credentials).
//
//   absl::StatusOr<std::string> token = storyline::ReadTokenFile("write.token");
//   auto tls = storyline::MakeTlsCredentials(
//       {.ca_file = "ca.pem", .cert_file = "client.pem", .key_file = "client.key"});
//   storyline::Client client({.target = "search.internal:50051",
//                             .credentials = *tls, .token = *token});
//
// Thread-safety: free functions without shared state.
#ifndef STORYLINE_CREDENTIALS_H_
#define STORYLINE_CREDENTIALS_H_

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline {

// The token stored in `path`: the file's content without one trailing
// newline. kNotFound if the file cannot be read; kInvalidArgument if it is
// empty or not a valid token (see ValidateToken). Messages never quote the
// token.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// OK if `token` can travel as "authorization: Bearer <token>": non-empty
// printable ASCII without spaces. kInvalidArgument otherwise.
absl::Status ValidateToken(absl::string_view token);

// PEM files for a TLS channel.
struct TlsFiles {
  // CA certificates that sign the server's certificate; empty: the
  // system's roots.
  std::string ca_file = "";
  // The client's certificate chain and private key, for servers that
  // require mutual TLS (started with --tls_client_ca); both or neither.
  std::string cert_file = "";
  std::string key_file = "";
};

// grpc::SslCredentials from `files`. kInvalidArgument if only one of
// cert_file/key_file is given; kNotFound if a file cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeTlsCredentials(const TlsFiles& files);

}  // namespace storyline

#endif  // STORYLINE_CREDENTIALS_H_
