// Opaque, tamper-evident page tokens for Search.
//
// A token carries the offset of the next page, a fingerprint of the request
// it belongs to, and when it was issued, sealed with HMAC-SHA256 under a
// server key. Decode() rejects tokens that were edited, forged, issued for a
// different query, or are older than the time-to-live.
//
// Thread-safety: immutable after construction; safe from any thread.
#ifndef STORYLINE_INDEX_PAGE_TOKEN_H_
#define STORYLINE_INDEX_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace storyline::index {

class PageTokenCodec {
 public:
  // `key` seals tokens; tokens from a codec with another key are rejected.
  // `ttl` bounds how long a token stays valid.
  explicit PageTokenCodec(std::string key, absl::Duration ttl = absl::Hours(1));

  // A token for the page starting at `offset` of the request whose
  // fingerprint is `fingerprint`.
  std::string Encode(uint64_t fingerprint, int64_t offset, absl::Time now) const;

  // The offset carried by `token`. Fails with kInvalidArgument, saying what
  // is wrong, if the token is malformed, forged, belongs to another request
  // or has expired.
  absl::StatusOr<int64_t> Decode(absl::string_view token, uint64_t fingerprint,
                                 absl::Time now) const;

  // A random 32-byte key.
  static std::string RandomKey();

 private:
  std::string Mac(absl::string_view payload) const;

  std::string key_;
  absl::Duration ttl_;
};

// A stable 64-bit fingerprint of `canonical` (SHA-256 based).
uint64_t Fingerprint(absl::string_view canonical);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_PAGE_TOKEN_H_
