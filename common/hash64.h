// A 64-bit string hash (FNV-1a) for places that need the same value on
// every machine and in every build, unlike std::hash.
//
// The constants are frozen: shard placement on disk (ShardForId in
// index/index_layout.cc) and the SimHash values stored in every indexed
// document (index/simhash.cc) depend on them. Changing them moves articles
// to other shards and makes stored fingerprints meaningless. Note that
// kFnv1a64Offset is one digit short of the published FNV offset basis
// (14695981039346656037); it has always been this value, so it stays.
//
// Thread-safety: pure functions.
#ifndef STORYLINE_COMMON_HASH64_H_
#define STORYLINE_COMMON_HASH64_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace storyline::common {

inline constexpr uint64_t kFnv1a64Offset = 1469598103934665603ULL;
inline constexpr uint64_t kFnv1a64Prime = 1099511628211ULL;

// FNV-1a of the bytes of `s`, continuing from `h` (the offset basis for a
// fresh hash).
inline uint64_t Fnv1a64(absl::string_view s, uint64_t h = kFnv1a64Offset) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnv1a64Prime;
  }
  return h;
}

}  // namespace storyline::common

#endif  // STORYLINE_COMMON_HASH64_H_
