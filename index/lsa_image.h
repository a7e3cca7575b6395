// LsaImage: the bytes of a latent semantic model (index/lsa.h) as one
// contiguous block that is both its in-memory form and its file. A saved
// model is memory-mapped at start-up (index/lsa_file.h) and used in place;
// a new one is built straight into a heap image.
//
// Layout (little-endian; every section starts on a 64-byte boundary):
//   header         LsaImageHeader: magic, version, shape, checksums
//   provenance     text, "key=value" lines: the index the model is of
//   term offsets   uint32[terms + 1] into the term bytes
//   term bytes     the model's stems, concatenated, ascending
//   term scales    float[terms]
//   term codes     int16[terms * rank]: row t of V is codes * scale
//   docids         uint32[documents], ascending
//   topic scales   float[documents]
//   narrow scales  float[documents]
//   topic codes    int16[documents * rank]: the topics view of a document is
//                  codes * topic scale; its similarity view is the first
//                  `narrow` codes * narrow scale. Both are unit vectors.
//
// The header's checksum covers the header, the body's everything after
// it (CRC-32). The version changes whenever the layout does.
//
// Thread-safety: immutable once sealed; share it freely.
#ifndef STORYLINE_INDEX_LSA_IMAGE_H_
#define STORYLINE_INDEX_LSA_IMAGE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "absl/status/statusor.h"

namespace storyline::index {

inline constexpr uint32_t kLsaImageVersion = 1;

struct LsaImageHeader {
  char magic[8];
  uint32_t version = 0;
  uint32_t header_bytes = 0;
  uint64_t image_bytes = 0;
  uint32_t header_crc = 0;  // of the header with this field 0
  uint32_t body_crc = 0;    // of bytes [header_bytes, image_bytes)
  uint32_t rank = 0;
  uint32_t narrow = 0;
  uint64_t documents = 0;
  uint64_t terms = 0;
  uint64_t term_bytes = 0;
  uint64_t provenance_bytes = 0;
  int64_t built_at_unix_ms = 0;
  int64_t build_ms = 0;
};

// What an image holds, and where: views into its bytes.
struct LsaSections {
  std::string_view provenance;
  std::span<uint32_t> term_offsets;
  std::span<char> term_bytes;
  std::span<float> term_scales;
  std::span<int16_t> term_codes;
  std::span<uint32_t> docids;
  std::span<float> topic_scales;
  std::span<float> narrow_scales;
  std::span<int16_t> topic_codes;
};

struct LsaShape {
  uint32_t rank = 0;
  uint32_t narrow = 0;
  uint64_t documents = 0;
  uint64_t terms = 0;
  uint64_t term_bytes = 0;
};

class LsaImage {
 public:
  // The size of an image of `shape` with `provenance_bytes` of provenance.
  static uint64_t SizeFor(const LsaShape& shape, uint64_t provenance_bytes);

  // A zeroed heap image of `shape` holding `provenance`, for a build to
  // fill through sections() and then Seal().
  static std::unique_ptr<LsaImage> Allocate(const LsaShape& shape, std::string_view provenance);

  // Checks and adopts `bytes`, which `owner` keeps alive (a mapped file):
  // kDataLoss for a damaged image (bad magic, size, checksum or contents),
  // kFailedPrecondition for another layout version. The image is read
  // only: never write through sections().
  static absl::StatusOr<std::unique_ptr<LsaImage>> Adopt(std::shared_ptr<const void> owner,
                                                         std::span<const std::byte> bytes);

  ~LsaImage();
  LsaImage(const LsaImage&) = delete;
  LsaImage& operator=(const LsaImage&) = delete;

  // Records when the model was built and how long that took, and computes
  // the checksums. Call once, after filling the sections.
  void Seal(int64_t built_at_unix_ms, int64_t build_ms);

  const LsaImageHeader& header() const { return *reinterpret_cast<const LsaImageHeader*>(data_); }
  const LsaSections& sections() const { return sections_; }
  std::span<const std::byte> bytes() const { return {data_, size_}; }

 private:
  LsaImage(std::byte* data, size_t size, std::shared_ptr<const void> owner);

  std::byte* data_;
  size_t size_;
  std::shared_ptr<const void> owner_;  // null: data_ is ours (heap)
  LsaSections sections_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_LSA_IMAGE_H_
