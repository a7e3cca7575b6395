// Bearer-token authorization of Storyline's RPCs.
//
// A server holds a write token and, optionally, a read token. Clients send
// one as the call metadata `authorization: Bearer <token>`. Every write
// (IngestService) needs the write token. Reads (StoryService) need the read
// token or the write token (a writer may read) when a read token is set,
// and are open otherwise. Health checking and reflection are never checked:
// only the Storyline services call Check().
//
// A call without usable credentials gets UNAUTHENTICATED; a call whose
// token is wrong for what it asks gets PERMISSION_DENIED. Tokens are
// compared as SHA-256 digests with CRYPTO_memcmp, so a comparison takes the
// same time however much of a guess is right, and no token appears in a
// status message or log line.
//
// Thread-safety: an Authenticator is immutable after Create(); Check() is
// safe from any thread.
#ifndef STORYLINE_SERVER_AUTH_H_
#define STORYLINE_SERVER_AUTH_H_

#include <grpcpp/server_context.h>
#include <openssl/sha.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline::server {

// What a call does: kRead for StoryService, kWrite for IngestService.
enum class Role { kRead, kWrite };

class Authenticator {
 public:
  // `write_token` is required; an empty `read_token` leaves reads open.
  // Fails with kInvalidArgument if the write token is empty, a token is not
  // printable ASCII without spaces, or the two tokens are equal (a reader
  // could then write).
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(absl::string_view write_token,
                                                               absl::string_view read_token);

  // OK if the call's metadata authorizes `role`; otherwise
  // kUnauthenticated (no, several or malformed `authorization` entries) or
  // kPermissionDenied (a token that does not grant `role`), with a message
  // that says what to send.
  absl::Status Check(const grpc::ServerContextBase& ctx, Role role) const;

  // Check() on the values of the call's `authorization` metadata entries.
  absl::Status CheckAuthorization(const std::vector<absl::string_view>& values, Role role) const;

  // True if reads need a token.
  bool reads_protected() const { return read_.has_value(); }

 private:
  using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

  Authenticator(Digest write, std::optional<Digest> read) : write_(write), read_(read) {}

  Digest write_;
  std::optional<Digest> read_;
};

// For the unary handlers, called first: nullptr if `auth` (null means no
// checks) lets the call through; otherwise the call's default reactor,
// already finished with the refusal.
grpc::ServerUnaryReactor* FinishIfUnauthorized(const Authenticator* auth, Role role,
                                               grpc::CallbackServerContext* ctx);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_AUTH_H_
