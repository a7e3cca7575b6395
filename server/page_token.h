// Opaque, tamper-evident page tokens for Search, SimilarStories and
// Recommend.
//
// A token carries where the next page starts (its offset, and whether the
// list is kept in first-stage order), what the first page fixed for the
// pages after it (its total_size, the reference time it used), a fingerprint of the request it
// belongs to (server/search_fingerprint.h), and when it was issued, sealed
// with HMAC-SHA256 under a server key. Decode() rejects tokens that were
// edited, forged, issued for a different query, or are older than the
// time-to-live.
//
// Thread-safety: immutable after construction; safe from any thread.
#ifndef STORYLINE_SERVER_PAGE_TOKEN_H_
#define STORYLINE_SERVER_PAGE_TOKEN_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace storyline::server {

// Where a page starts in a result list, as a token carries it.
struct PagePosition {
  // First result (0-based) of the page.
  int64_t offset = 0;
  // The list was served in first-stage (BM25) order, before a semantic
  // model existed; later pages keep that order
  // (index::SearchParams::first_stage_order).
  bool first_stage_order = false;
  // The first page's total_size, kept on later pages so the count does
  // not change while paging; -1 when the list has none.
  int64_t total_size = -1;
  // The reference time the first page used when the request left it to the
  // server (RecommendRequest.as_of); later pages use the same.
  std::optional<absl::Time> reference_time = std::nullopt;

  friend bool operator==(const PagePosition&, const PagePosition&) = default;
};

class PageTokenCodec {
 public:
  // `key` seals tokens; tokens from a codec with another key are rejected.
  // `ttl` bounds how long a token stays valid.
  explicit PageTokenCodec(std::string key, absl::Duration ttl = absl::Hours(1));

  // A token for the page at `position` of the request whose fingerprint is
  // `fingerprint`.
  std::string Encode(uint64_t fingerprint, PagePosition position, absl::Time now) const;

  // The position carried by `token`. Fails with kInvalidArgument, saying
  // what is wrong, if the token is malformed, forged, belongs to another
  // request or has expired; its details name the field `page_token` and
  // the reason PAGE_TOKEN_INVALID (server/error_details.h).
  absl::StatusOr<PagePosition> Decode(absl::string_view token, uint64_t fingerprint,
                                      absl::Time now) const;

  // A random 32-byte key.
  static std::string RandomKey();

 private:
  std::string Mac(absl::string_view payload) const;

  std::string key_;
  absl::Duration ttl_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_PAGE_TOKEN_H_
