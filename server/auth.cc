#include "server/auth.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/token_file.h"
#include "server/error_details.h"
#include "server/grpc_status.h"

namespace storyline::server {
namespace {

constexpr absl::string_view kScheme = "bearer";

std::array<unsigned char, SHA256_DIGEST_LENGTH> Sha256(absl::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

// Constant-time: both digests always have the same length, and
// CRYPTO_memcmp reads all of it whatever the first difference.
bool SameDigest(const std::array<unsigned char, SHA256_DIGEST_LENGTH>& a,
                const std::array<unsigned char, SHA256_DIGEST_LENGTH>& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

const char* ServiceOf(Role role) { return role == Role::kWrite ? "IngestService" : "StoryService"; }

// "<token>" from "Bearer <token>" (the scheme is case-insensitive, as in
// RFC 7235); nullopt if `value` has another form.
std::optional<absl::string_view> BearerToken(absl::string_view value) {
  if (value.size() <= kScheme.size() || value[kScheme.size()] != ' ' ||
      !absl::StartsWithIgnoreCase(value, kScheme)) {
    return std::nullopt;
  }
  absl::string_view token = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

// What a call in `role` needs, once Check() has ruled out open reads.
const char* Needed(Role role) {
  return role == Role::kWrite ? "the write token" : "the read or the write token";
}

}  // namespace

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(absl::string_view write_token,
                                                                     absl::string_view read_token) {
  if (write_token.empty()) {
    return absl::InvalidArgumentError(
        "a write token is required (a read token alone would leave nobody able to write)");
  }
  if (absl::Status s = common::ValidateBearerToken(write_token); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("write token: ", s.message()));
  }
  std::optional<Digest> read;
  if (!read_token.empty()) {
    if (absl::Status s = common::ValidateBearerToken(read_token); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("read token: ", s.message()));
    }
    read = Sha256(read_token);
  }
  const Digest write = Sha256(write_token);
  if (read.has_value() && SameDigest(*read, write)) {
    return absl::InvalidArgumentError(
        "the read and write tokens are equal; readers could write. Use two different tokens");
  }
  return std::unique_ptr<Authenticator>(new Authenticator(write, read));
}

absl::Status Authenticator::Check(const grpc::ServerContextBase& ctx, Role role) const {
  if (role == Role::kRead && !reads_protected()) return absl::OkStatus();
  std::vector<absl::string_view> values;
  const auto [begin, end] = ctx.client_metadata().equal_range("authorization");
  for (auto it = begin; it != end; ++it) {
    values.emplace_back(it->second.data(), it->second.size());
  }
  return CheckAuthorization(values, role);
}

absl::Status Authenticator::CheckAuthorization(const std::vector<absl::string_view>& values,
                                               Role role) const {
  if (role == Role::kRead && !reads_protected()) return absl::OkStatus();
  const char* service = ServiceOf(role);
  const char* needed = Needed(role);
  if (values.empty()) {
    return WithReason(
        absl::UnauthenticatedError(absl::StrCat(
            "missing credentials: send metadata 'authorization: Bearer <token>' (the server "
            "requires ",
            needed, " for ", service, ")")),
        role == Role::kWrite ? "WRITE_TOKEN_MISSING" : "READ_TOKEN_MISSING");
  }
  if (values.size() > 1) {
    return WithReason(
        absl::UnauthenticatedError(absl::StrCat("the call has ", values.size(),
                                                " 'authorization' metadata entries; send "
                                                "exactly one 'authorization: Bearer <token>'")),
        "AUTHORIZATION_REPEATED");
  }
  const std::optional<absl::string_view> token = BearerToken(values[0]);
  if (!token.has_value()) {
    return WithReason(
        absl::UnauthenticatedError("malformed 'authorization' metadata: expected 'Bearer <token>'"),
        "AUTHORIZATION_MALFORMED");
  }
  const Digest digest = Sha256(*token);
  const bool is_write = SameDigest(digest, write_);
  const bool is_read = read_.has_value() && SameDigest(digest, *read_);
  if (is_write || (is_read && role == Role::kRead)) return absl::OkStatus();
  if (is_read) {
    return WithReason(absl::PermissionDeniedError(absl::StrCat(
                          "the read token cannot call ", service, ": writes need the write token")),
                      "WRITE_TOKEN_REQUIRED");
  }
  return WithReason(absl::PermissionDeniedError(absl::StrCat(
                        "the bearer token is not valid here: ", service, " needs ", needed)),
                    "TOKEN_INVALID");
}

grpc::ServerUnaryReactor* FinishIfUnauthorized(const Authenticator* auth, Role role,
                                               grpc::CallbackServerContext* ctx) {
  if (auth == nullptr) return nullptr;
  absl::Status status = auth->Check(*ctx, role);
  if (status.ok()) return nullptr;
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace storyline::server
