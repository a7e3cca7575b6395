// Near-duplicate detection: 64-bit SimHash of word 3-shingles (Charikar;
// Manku et al., "Detecting near-duplicates for web crawling"). Syndicated
// copies of a story with small edits differ in a few bits; different
// stories, even on the same topic, differ in about half.
//
// Thread-safety: pure functions.
#ifndef STORYLINE_INDEX_SIMHASH_H_
#define STORYLINE_INDEX_SIMHASH_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace storyline::index {

// Bits two fingerprints may differ in and still be near-duplicates. News
// articles are short, so one edited word moves several bits (3 shingles):
// an agency copy with two words changed stays within this, while unrelated
// article pairs differ in more bits (bench/README.md has the measurements).
inline constexpr int kNearDuplicateBits = 8;

// TF-IDF cosine above which two articles are copies of one story even when
// edits moved their SimHash apart: an edited wire copy scores above it, two
// stories on the same topic far below. Similar stories and recommendations
// fold such copies.
inline constexpr double kDuplicateCosine = 0.8;

// The SimHash of `text`'s lower-cased word 3-shingles (or of its words, for
// texts under three words). 0 for text without words.
uint64_t SimHash(absl::string_view text);

inline int HammingDistance(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

inline bool NearDuplicates(uint64_t a, uint64_t b) {
  return a != 0 && b != 0 && HammingDistance(a, b) <= kNearDuplicateBits;
}

// 8-byte big-endian encoding for a Xapian value slot, and back.
std::string EncodeSimHash(uint64_t hash);
std::optional<uint64_t> DecodeSimHash(absl::string_view value);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SIMHASH_H_
