#include "index/lsa_image.h"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace storyline::index {
namespace {

static_assert(std::endian::native == std::endian::little, "the image is little-endian");
static_assert(std::is_trivially_copyable_v<LsaImageHeader>);

constexpr char kMagic[8] = {'S', 'L', 'L', 'S', 'A', '\r', '\n', '\x1a'};
constexpr size_t kAlign = 64;
// Bounds that keep every size below well inside 64 bits.
constexpr uint64_t kMaxRank = 4096;
constexpr uint64_t kMaxDocuments = uint64_t{1} << 32;
constexpr uint64_t kMaxTerms = uint64_t{1} << 28;
constexpr uint64_t kMaxTermBytes = uint64_t{1} << 32;
constexpr uint64_t kMaxProvenance = uint64_t{1} << 20;

uint64_t AlignUp(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

// Where each section starts, for a shape.
struct Offsets {
  uint64_t provenance, term_offsets, term_bytes, term_scales, term_codes, docids, topic_scales,
      narrow_scales, topic_codes, total;
};

Offsets OffsetsFor(const LsaShape& s, uint64_t provenance_bytes) {
  Offsets o{};
  uint64_t at = AlignUp(sizeof(LsaImageHeader));
  auto next = [&at](uint64_t bytes) {
    const uint64_t start = at;
    at = AlignUp(at + bytes);
    return start;
  };
  o.provenance = next(provenance_bytes);
  o.term_offsets = next((s.terms + 1) * sizeof(uint32_t));
  o.term_bytes = next(s.term_bytes);
  o.term_scales = next(s.terms * sizeof(float));
  o.term_codes = next(s.terms * s.rank * sizeof(int16_t));
  o.docids = next(s.documents * sizeof(uint32_t));
  o.topic_scales = next(s.documents * sizeof(float));
  o.narrow_scales = next(s.documents * sizeof(float));
  o.topic_codes = next(s.documents * s.rank * sizeof(int16_t));
  o.total = at;
  return o;
}

bool ShapeIsSane(const LsaShape& s, uint64_t provenance_bytes) {
  return s.rank >= 1 && s.rank <= kMaxRank && s.narrow >= 1 && s.narrow <= s.rank &&
         s.documents <= kMaxDocuments && s.terms <= kMaxTerms && s.term_bytes <= kMaxTermBytes &&
         provenance_bytes <= kMaxProvenance;
}

template <typename T>
std::span<T> At(std::byte* base, uint64_t offset, uint64_t count) {
  return {reinterpret_cast<T*>(base + offset), static_cast<size_t>(count)};
}

LsaSections SectionsOf(std::byte* base, const LsaImageHeader& h) {
  const LsaShape s{h.rank, h.narrow, h.documents, h.terms, h.term_bytes};
  const Offsets o = OffsetsFor(s, h.provenance_bytes);
  return LsaSections{
      .provenance = {reinterpret_cast<const char*>(base + o.provenance), h.provenance_bytes},
      .term_offsets = At<uint32_t>(base, o.term_offsets, h.terms + 1),
      .term_bytes = At<char>(base, o.term_bytes, h.term_bytes),
      .term_scales = At<float>(base, o.term_scales, h.terms),
      .term_codes = At<int16_t>(base, o.term_codes, h.terms * h.rank),
      .docids = At<uint32_t>(base, o.docids, h.documents),
      .topic_scales = At<float>(base, o.topic_scales, h.documents),
      .narrow_scales = At<float>(base, o.narrow_scales, h.documents),
      .topic_codes = At<int16_t>(base, o.topic_codes, h.documents * h.rank),
  };
}

uint32_t Crc(std::span<const std::byte> bytes) {
  return static_cast<uint32_t>(
      crc32_z(0L, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

uint32_t HeaderCrc(LsaImageHeader h) {
  h.header_crc = 0;
  return Crc(std::as_bytes(std::span(&h, 1)));
}

absl::Status CheckHeader(const LsaImageHeader& h, size_t size) {
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0) {
    return absl::DataLossError("not a semantic model file (bad magic)");
  }
  if (h.version != kLsaImageVersion) {
    return absl::FailedPreconditionError(absl::StrCat("semantic model file version ", h.version,
                                                      "; this server reads version ",
                                                      kLsaImageVersion));
  }
  if (h.header_bytes != sizeof(LsaImageHeader) || h.header_crc != HeaderCrc(h)) {
    return absl::DataLossError("semantic model file: damaged header");
  }
  const LsaShape shape{h.rank, h.narrow, h.documents, h.terms, h.term_bytes};
  if (!ShapeIsSane(shape, h.provenance_bytes) || h.image_bytes != size ||
      LsaImage::SizeFor(shape, h.provenance_bytes) != size) {
    return absl::DataLossError(absl::StrCat("semantic model file: ", size,
                                            " bytes, not the size its header describes (",
                                            h.image_bytes, "); truncated?"));
  }
  return absl::OkStatus();
}

// The parts the checksum cannot vouch for: offsets and ids in order.
absl::Status CheckContents(const LsaSections& s) {
  if (s.term_offsets.front() != 0 || s.term_offsets.back() != s.term_bytes.size() ||
      !std::is_sorted(s.term_offsets.begin(), s.term_offsets.end())) {
    return absl::DataLossError("semantic model file: term offsets out of order");
  }
  if (std::adjacent_find(s.docids.begin(), s.docids.end(), std::greater_equal<>()) !=
      s.docids.end()) {
    return absl::DataLossError("semantic model file: document ids out of order");
  }
  return absl::OkStatus();
}

}  // namespace

uint64_t LsaImage::SizeFor(const LsaShape& shape, uint64_t provenance_bytes) {
  return OffsetsFor(shape, provenance_bytes).total;
}

LsaImage::LsaImage(std::byte* data, size_t size, std::shared_ptr<const void> owner)
    : data_(data), size_(size), owner_(std::move(owner)), sections_(SectionsOf(data, header())) {}

LsaImage::~LsaImage() {
  if (owner_ == nullptr) ::operator delete[](data_, std::align_val_t{kAlign});
}

std::unique_ptr<LsaImage> LsaImage::Allocate(const LsaShape& shape, std::string_view provenance) {
  const uint64_t size = SizeFor(shape, provenance.size());
  auto* data = static_cast<std::byte*>(::operator new[](size, std::align_val_t{kAlign}));
  std::memset(data, 0, size);
  LsaImageHeader h;
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.version = kLsaImageVersion;
  h.header_bytes = sizeof(LsaImageHeader);
  h.image_bytes = size;
  h.rank = shape.rank;
  h.narrow = shape.narrow;
  h.documents = shape.documents;
  h.terms = shape.terms;
  h.term_bytes = shape.term_bytes;
  h.provenance_bytes = provenance.size();
  std::memcpy(data, &h, sizeof(h));
  std::memcpy(data + OffsetsFor(shape, provenance.size()).provenance, provenance.data(),
              provenance.size());
  return std::unique_ptr<LsaImage>(new LsaImage(data, size, nullptr));
}

absl::StatusOr<std::unique_ptr<LsaImage>> LsaImage::Adopt(std::shared_ptr<const void> owner,
                                                          std::span<const std::byte> bytes) {
  if (bytes.size() < sizeof(LsaImageHeader)) {
    return absl::DataLossError(
        absl::StrCat("semantic model file: ", bytes.size(), " bytes, too short for a header"));
  }
  if (reinterpret_cast<uintptr_t>(bytes.data()) % kAlign != 0) {
    return absl::InvalidArgumentError("semantic model image: not 64-byte aligned");
  }
  LsaImageHeader h;
  std::memcpy(&h, bytes.data(), sizeof(h));
  if (absl::Status s = CheckHeader(h, bytes.size()); !s.ok()) return s;
  if (Crc(bytes.subspan(h.header_bytes)) != h.body_crc) {
    return absl::DataLossError("semantic model file: checksum mismatch (damaged)");
  }
  // Read only from here on: sections() hands out mutable spans for builds.
  auto* data = const_cast<std::byte*>(bytes.data());
  std::unique_ptr<LsaImage> image(new LsaImage(data, bytes.size(), std::move(owner)));
  if (absl::Status s = CheckContents(image->sections()); !s.ok()) return s;
  return image;
}

void LsaImage::Seal(int64_t built_at_unix_ms, int64_t build_ms) {
  LsaImageHeader h = header();
  h.built_at_unix_ms = built_at_unix_ms;
  h.build_ms = build_ms;
  h.body_crc = Crc(bytes().subspan(h.header_bytes));
  h.header_crc = HeaderCrc(h);
  std::memcpy(data_, &h, sizeof(h));
}

}  // namespace storyline::index
