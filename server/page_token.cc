#include "server/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "server/error_details.h"

namespace storyline::server {
namespace {

// Version 2 added the flags byte (first-stage order); version 3 the first
// page's total_size and reference time. Older tokens are refused (a client
// starts again from the first page), as after a restart.
constexpr uint8_t kVersion = 3;
// Payload layout: version, fingerprint, offset, issue time, flags, total
// size, reference time (Unix microseconds).
constexpr size_t kFingerprintAt = 1;
constexpr size_t kOffsetAt = kFingerprintAt + 8;
constexpr size_t kIssuedAt = kOffsetAt + 8;
constexpr size_t kFlagsAt = kIssuedAt + 8;
constexpr size_t kTotalAt = kFlagsAt + 1;
constexpr size_t kReferenceAt = kTotalAt + 8;
constexpr size_t kPayloadBytes = kReferenceAt + 8;
constexpr size_t kMacBytes = 16;
constexpr uint8_t kFirstStageOrder = 0x01;
constexpr uint8_t kHasReference = 0x02;
constexpr uint8_t kKnownFlags = kFirstStageOrder | kHasReference;

void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

absl::Status TokenError(absl::string_view message) {
  return InvalidFieldError("page_token", "PAGE_TOKEN_INVALID", message);
}

absl::Status NotIssuedHere() {
  return TokenError(
      "page_token is not a token this server issued; pass next_page_token from "
      "the previous response unchanged, or leave page_token empty for the first page");
}

}  // namespace

PageTokenCodec::PageTokenCodec(std::string key, absl::Duration ttl)
    : key_(std::move(key)), ttl_(ttl) {}

std::string PageTokenCodec::RandomKey() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), key.size()) != 1) {
    // Fall back to a time-based key; tokens stay tamper-evident per process.
    const uint64_t t = absl::ToUnixNanos(absl::Now());
    std::memcpy(key.data(), &t, sizeof(t));
  }
  return key;
}

std::string PageTokenCodec::Mac(absl::string_view payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &mac_len);
  return std::string(reinterpret_cast<const char*>(mac), kMacBytes);
}

std::string PageTokenCodec::Encode(uint64_t fingerprint, PagePosition position,
                                   absl::Time now) const {
  std::string raw;
  raw.reserve(kPayloadBytes + kMacBytes);
  raw.push_back(static_cast<char>(kVersion));
  PutU64(&raw, fingerprint);
  PutU64(&raw, static_cast<uint64_t>(position.offset));
  PutU64(&raw, static_cast<uint64_t>(absl::ToUnixSeconds(now)));
  const uint8_t flags = (position.first_stage_order ? kFirstStageOrder : 0) |
                        (position.reference_time ? kHasReference : 0);
  raw.push_back(static_cast<char>(flags));
  PutU64(&raw, static_cast<uint64_t>(position.total_size));
  PutU64(&raw, static_cast<uint64_t>(
                   position.reference_time ? absl::ToUnixMicros(*position.reference_time) : 0));
  raw += Mac(raw);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PagePosition> PageTokenCodec::Decode(absl::string_view token, uint64_t fingerprint,
                                                    absl::Time now) const {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || absl::WebSafeBase64Escape(raw) != token ||
      raw.size() != kPayloadBytes + kMacBytes || static_cast<uint8_t>(raw[0]) != kVersion) {
    return NotIssuedHere();
  }
  const std::string expected = Mac(absl::string_view(raw).substr(0, kPayloadBytes));
  if (CRYPTO_memcmp(expected.data(), raw.data() + kPayloadBytes, kMacBytes) != 0) {
    return TokenError(
        "page_token failed its integrity check (edited, forged, or issued before a "
        "server restart); start again from the first page");
  }
  const auto flags = static_cast<uint8_t>(raw[kFlagsAt]);
  if ((flags & ~kKnownFlags) != 0) return NotIssuedHere();
  if (GetU64(raw.data() + kFingerprintAt) != fingerprint) {
    return TokenError(
        "page_token belongs to a different query, filter, order, facet set or seed; "
        "send the same request as the first page, changing only page_token");
  }
  const absl::Time issued =
      absl::FromUnixSeconds(static_cast<int64_t>(GetU64(raw.data() + kIssuedAt)));
  if (now - issued > ttl_) {
    return TokenError("page_token has expired; start again from the first page");
  }
  PagePosition position{.offset = static_cast<int64_t>(GetU64(raw.data() + kOffsetAt)),
                        .first_stage_order = (flags & kFirstStageOrder) != 0,
                        .total_size = static_cast<int64_t>(GetU64(raw.data() + kTotalAt))};
  if ((flags & kHasReference) != 0) {
    position.reference_time =
        absl::FromUnixMicros(static_cast<int64_t>(GetU64(raw.data() + kReferenceAt)));
  }
  return position;
}

}  // namespace storyline::server
