// Fuzzes page tokens (server/page_token): PageTokenCodec::Decode on any
// bytes, and the round-trip of a token minted from the input's numbers.
//
// Input (FuzzedDataProvider): from the end, a fingerprint, an offset, the
// issue time, the age at decode time and a byte position to tamper with;
// the rest is a token to decode.
//
// Checks: nothing crashes or trips a sanitizer; decoding fails only with
// kInvalidArgument; a minted token decodes to its offset for its own
// fingerprint until it expires, and is refused for another fingerprint,
// after the time-to-live, under another key, and with any byte changed.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_index.h"
#include "server/page_token.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using storyline::fuzz::Check;
  using storyline::server::PagePosition;
  using storyline::server::PageTokenCodec;
  constexpr absl::Duration kTtl = absl::Hours(1);
  static const PageTokenCodec codec("fuzz page token key", kTtl);
  static const PageTokenCodec other("another key", kTtl);
  static const PageTokenCodec empty_key("", kTtl);

  FuzzedDataProvider in(data, size);
  const uint64_t fingerprint = in.ConsumeIntegral<uint64_t>();
  const int64_t offset = in.ConsumeIntegral<int64_t>();
  const absl::Time issued = absl::FromUnixSeconds(in.ConsumeIntegralInRange<int64_t>(0, 1LL << 40));
  const absl::Duration age = absl::Seconds(in.ConsumeIntegralInRange<int64_t>(-10, 7300));
  const size_t tamper_at = in.ConsumeIntegral<uint16_t>();
  const uint8_t tamper_with = in.ConsumeIntegralInRange<uint8_t>(1, 255);
  const std::string token = in.ConsumeRemainingBytesAsString();

  // Arbitrary bytes: decode must fail cleanly (or, if they happen to be a
  // token, succeed).
  // STORYLINE_FUZZ_DEBUG=1 prints what each input decodes to.
  static const bool debug = std::getenv("STORYLINE_FUZZ_DEBUG") != nullptr;
  for (const PageTokenCodec* c : {&codec, &empty_key}) {
    auto decoded = c->Decode(token, fingerprint, issued + age);
    if (debug) {
      std::fprintf(stderr, "token \"%s\" fingerprint %llu at %lld: %s\n", token.c_str(),
                   static_cast<unsigned long long>(fingerprint),
                   static_cast<long long>(absl::ToUnixSeconds(issued + age)),
                   decoded.ok() ? std::to_string(decoded->offset).c_str()
                                : decoded.status().ToString().c_str());
    }
    if (!decoded.ok()) {
      Check(decoded.status().code() == absl::StatusCode::kInvalidArgument,
            "Decode failed with a code other than kInvalidArgument");
    }
  }

  // Round trip.
  const PagePosition position{.offset = offset, .first_stage_order = (tamper_with & 1) != 0};
  const std::string minted = codec.Encode(fingerprint, position, issued);
  auto back = codec.Decode(minted, fingerprint, issued + age);
  if (age <= kTtl) {
    Check(back.ok() && *back == position, "a fresh token does not decode to its position");
  } else {
    Check(!back.ok(), "an expired token was accepted");
  }
  Check(!codec.Decode(minted, fingerprint ^ 1, issued).ok(), "a token fits another request");
  Check(!other.Decode(minted, fingerprint, issued).ok(), "a token fits another key");
  std::string tampered = minted;
  tampered[tamper_at % tampered.size()] ^= static_cast<char>(tamper_with);
  Check(!codec.Decode(tampered, fingerprint, issued).ok(), "a tampered token was accepted");
  return 0;
}
