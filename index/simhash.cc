#include "index/simhash.h"

#include <array>
#include <vector>

#include "common/hash64.h"
#include "index/text_tokens.h"

namespace storyline::index {
namespace {

// A final avalanche so similar shingles do not give similar hashes.
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

// The hashes of `text`'s lower-cased words, in order.
std::vector<uint64_t> WordHashes(absl::string_view text) {
  std::vector<uint64_t> words;
  ForEachWord(text, WordChars::kLettersAndDigits, [&](WordSpan w) {
    words.push_back(common::Fnv1a64(AsciiLower(text.substr(w.begin, w.end - w.begin))));
  });
  return words;
}

}  // namespace

uint64_t SimHash(absl::string_view text) {
  const std::vector<uint64_t> words = WordHashes(text);
  if (words.empty()) return 0;

  std::array<int64_t, 64> votes{};
  auto vote = [&](uint64_t feature) {
    const uint64_t h = Mix(feature);
    for (int bit = 0; bit < 64; ++bit) votes[bit] += ((h >> bit) & 1) ? 1 : -1;
  };
  if (words.size() < 3) {
    for (uint64_t w : words) vote(w);
  } else {
    for (size_t i = 0; i + 2 < words.size(); ++i) {
      vote(words[i] * 31 * 31 + words[i + 1] * 31 + words[i + 2]);
    }
  }
  uint64_t hash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (votes[bit] > 0) hash |= (1ULL << bit);
  }
  return hash == 0 ? 1 : hash;  // 0 means "no fingerprint"
}

std::string EncodeSimHash(uint64_t hash) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((hash >> (56 - 8 * i)) & 0xff);
  return out;
}

std::optional<uint64_t> DecodeSimHash(absl::string_view value) {
  if (value.size() != 8) return std::nullopt;
  uint64_t h = 0;
  for (const char c : value) h = (h << 8) | static_cast<unsigned char>(c);
  return h;
}

}  // namespace storyline::index
