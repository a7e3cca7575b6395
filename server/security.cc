#include "server/security.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/token_file.h"
#include "server/listen_address.h"

namespace storyline::server {
namespace {

// The content of `path`; false if it cannot be read or is empty.
bool ReadPem(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !out->empty();
}

// The Authenticator the token files ask for; null when neither is set.
absl::StatusOr<std::unique_ptr<Authenticator>> LoadAuthenticator(const SecurityOptions& options) {
  if (options.write_token_file.empty() && options.read_token_file.empty()) return nullptr;
  if (options.write_token_file.empty()) {
    return absl::InvalidArgumentError(
        "--read_token_file needs --write_token_file too (otherwise nobody could write)");
  }
  absl::StatusOr<std::string> write = common::ReadTokenFile(options.write_token_file);
  if (!write.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--write_token_file: ", write.status().message()));
  }
  std::string read;
  if (!options.read_token_file.empty()) {
    absl::StatusOr<std::string> r = common::ReadTokenFile(options.read_token_file);
    if (!r.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--read_token_file: ", r.status().message()));
    }
    read = std::move(*r);
  }
  return Authenticator::Create(*write, read);
}

// Plaintext, TLS, or mutual TLS when a client CA is given.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> LoadCredentials(
    const SecurityOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    if (!options.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError("--tls_client_ca needs --tls_cert and --tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  if (!ReadPem(options.tls_cert_file, &pair.cert_chain) ||
      !ReadPem(options.tls_key_file, &pair.private_key)) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key must both name readable PEM files");
  }
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca_file.empty()) {
    if (!ReadPem(options.tls_client_ca_file, &ssl.pem_root_certs)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--tls_client_ca: cannot read PEM certificates from ", options.tls_client_ca_file));
    }
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// A public listen address needs TLS and a write token, or insecure_public.
absl::Status CheckListenPolicy(const SecurityOptions& options, bool tls, bool write_token) {
  if (IsLoopbackAddress(options.listen) || (tls && write_token)) return absl::OkStatus();
  const char* missing = tls ? "a write token" : (write_token ? "TLS" : "TLS and a write token");
  if (options.insecure_public) {
    spdlog::warn("--insecure_public: serving {} without {}; anyone who reaches it can {}",
                 options.listen, missing,
                 write_token ? "read the traffic, tokens included" : "read and delete the index");
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "refusing to listen on ", options.listen, " (not a loopback address) without ", missing,
      ": add --tls_cert=FILE --tls_key=FILE and --write_token_file=FILE (and "
      "--read_token_file=FILE to protect reads), listen on localhost, or pass "
      "--insecure_public on a trusted network"));
}

std::string Summary(const SecurityOptions& options, const Authenticator* auth) {
  const char* transport = options.tls_cert_file.empty()        ? "plaintext"
                          : options.tls_client_ca_file.empty() ? "TLS"
                                                               : "mutual TLS";
  const char* tokens = auth == nullptr           ? "no tokens required"
                       : auth->reads_protected() ? "tokens required for reads and writes"
                                                 : "write token required for writes, reads open";
  return absl::StrCat(transport, ", ", tokens);
}

}  // namespace

absl::StatusOr<Security> LoadSecurity(const SecurityOptions& options) {
  absl::StatusOr<std::unique_ptr<Authenticator>> auth = LoadAuthenticator(options);
  if (!auth.ok()) return auth.status();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = LoadCredentials(options);
  if (!credentials.ok()) return credentials.status();
  const bool tls = !options.tls_cert_file.empty();
  if (absl::Status s = CheckListenPolicy(options, tls, *auth != nullptr); !s.ok()) return s;
  Security security{
      .credentials = std::move(*credentials), .auth = std::move(*auth), .summary = ""};
  security.summary = Summary(options, security.auth.get());
  return security;
}

}  // namespace storyline::server
