// Fuzzes the semantic model's file (index/lsa_image, index/lsa_file): the
// bytes a server maps from INDEX_DIR/semantic-model at start-up.
//
// Input: the file's bytes, then one mode byte. When the mode byte is odd,
// the header's checksums are left as given (a damaged file); when it is
// even, both CRC-32s are recomputed first, so the fuzzer gets past them to
// the shape and contents checks and, when those pass, to the model's
// readers. Seeds (fuzz/corpus/model_file/): the demo corpus's model with
// each mode byte.
//
// Checks: nothing crashes or trips a sanitizer; a refused image is
// kDataLoss or kFailedPrecondition (another version); an adopted one
// answers every query without reading outside itself.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fuzz/fuzz_index.h"
#include "index/lsa.h"
#include "index/lsa_image.h"

namespace {

using storyline::index::LsaImage;
using storyline::index::LsaImageHeader;
using storyline::index::LsaModel;

uint32_t Crc(const std::byte* data, size_t size) {
  return static_cast<uint32_t>(crc32_z(0L, reinterpret_cast<const Bytef*>(data), size));
}

// Makes the header's checksums match the bytes, as a writer would.
void FixChecksums(std::byte* data, size_t size) {
  LsaImageHeader h;
  std::memcpy(&h, data, sizeof(h));
  if (h.header_bytes <= size) h.body_crc = Crc(data + h.header_bytes, size - h.header_bytes);
  h.header_crc = 0;
  h.header_crc = Crc(reinterpret_cast<const std::byte*>(&h), sizeof(h));
  std::memcpy(data, &h, sizeof(h));
}

// Every reader of an adopted model, on the documents and terms it holds.
void Query(const LsaModel& model) {
  const auto& s = model.image().sections();
  std::vector<float> z;
  for (size_t i = 0; i < s.docids.size() && i < 16; ++i) {
    storyline::fuzz::Check(model.TopicsVector(s.docids[i], &z), "a stored docid is known");
    (void)model.TopicsDot(z, s.docids[i]);
    storyline::fuzz::Check(model.SimilarityVector(s.docids[i], &z), "a stored docid is known");
    (void)model.Nearest(z, 5, s.docids[i]);
  }
  (void)model.TopicsVector(0, &z);
  storyline::index::SparseVector text;
  for (size_t t = 0; t + 1 < s.term_offsets.size() && t < 8; ++t) {
    text.emplace_back(std::string(s.term_bytes.data() + s.term_offsets[t],
                                  s.term_offsets[t + 1] - s.term_offsets[t]),
                      1.0);
  }
  (void)model.Project(text, storyline::index::LsaView::kTopics);
  (void)model.Project(text, storyline::index::LsaView::kSimilarity);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const bool damaged = (data[size - 1] & 1) != 0;
  --size;
  // The image must be 64-byte aligned, as a mapping is.
  std::shared_ptr<std::byte> bytes(
      static_cast<std::byte*>(::operator new (size, std::align_val_t{64})),
      [](std::byte* p) { ::operator delete (p, std::align_val_t{64}); });
  std::memcpy(bytes.get(), data, size);
  if (!damaged && size >= sizeof(LsaImageHeader)) FixChecksums(bytes.get(), size);
  auto image = LsaImage::Adopt(bytes, std::span<const std::byte>(bytes.get(), size));
  if (!image.ok()) {
    storyline::fuzz::Check(
        absl::IsDataLoss(image.status()) || absl::IsFailedPrecondition(image.status()),
        "a refused model file is DATA_LOSS or FAILED_PRECONDITION");
    return 0;
  }
  Query(*LsaModel::FromImage(*std::move(image)));
  return 0;
}
