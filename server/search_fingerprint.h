// Fingerprints of search requests, for page tokens (server/page_token.h):
// a token carries the fingerprint of the request it was issued for, so it
// cannot be replayed against a different query.
//
// Thread-safety: pure functions; safe from any thread.
#ifndef STORYLINE_SERVER_SEARCH_FINGERPRINT_H_
#define STORYLINE_SERVER_SEARCH_FINGERPRINT_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "index/searcher.h"

namespace storyline::server {

// A stable fingerprint of everything in `params` that defines the result
// list: query, topics and sources (order and case ignored), the publish
// window, order, facets and, for kRelevanceRecency, the half-life. Not
// offset, page_size, include_body, snippets, explain, deadline or
// first_stage_order (the token carries that flag itself).
uint64_t SearchFingerprint(const index::SearchParams& params);

// A stable 64-bit fingerprint of `canonical` (SHA-256 based).
uint64_t Fingerprint(absl::string_view canonical);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_SEARCH_FINGERPRINT_H_
