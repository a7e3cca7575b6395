#include "index/article_data.h"

#include <zstd.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "index/schema.h"

// Why Storyline compresses document data itself: glass (Xapian 1.4.22)
// zlib-compresses a tag when that makes it smaller, and its reader inflates
// each stored chunk into an 8 KiB buffer, stopping when a chunk's input is
// used up. For very compressible tags (a body repeating one phrase) the last
// chunk's input can be used up while output is still pending, and the read
// fails with DatabaseCorruptError "Too few chunks of compressed data": the
// data is written fine but can never be read. A zstd frame does not shrink
// under zlib, so glass stores it as is and never takes that path.

namespace storyline::index {
namespace {

constexpr char kHeaderMarker = '\0';
constexpr char kCodecZstd = 'z';
constexpr size_t kHeaderBytes = 2;
// Fast level: the writer threads, not compression, bound ingest
// (bench/README.md).
constexpr int kZstdLevel = 1;
// No valid article decodes to more than its field limits allow; a larger
// frame header means damage (or a decompression bomb), not an article.
constexpr size_t kMaxDecodedBytes = 4 * kMaxBodyBytes;

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// One context per thread: contexts are not thread-safe, and making one per
// call would allocate its tables every time. Frames carry a checksum, so
// damage is reported instead of decoding to a different article.
ZSTD_CCtx* NewCompressor() {
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1);
  return ctx;
}
ZSTD_CCtx* ThreadCompressor() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx(NewCompressor());
  return ctx.get();
}
ZSTD_DCtx* ThreadDecompressor() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  return ctx.get();
}

}  // namespace

std::string EncodeArticleData(const storyline::v1::Article& article) {
  const std::string raw = article.SerializeAsString();
  std::string out(kHeaderBytes + ZSTD_compressBound(raw.size()), '\0');
  out[0] = kHeaderMarker;
  out[1] = kCodecZstd;
  const size_t n = ZSTD_compress2(ThreadCompressor(), out.data() + kHeaderBytes,
                                  out.size() - kHeaderBytes, raw.data(), raw.size());
  // Compressing into a ZSTD_compressBound() buffer cannot fail short of
  // running out of memory, which the allocation above would have hit first.
  out.resize(kHeaderBytes + (ZSTD_isError(n) ? 0 : n));
  return out;
}

absl::Status DecodeArticleData(absl::string_view data, storyline::v1::Article* article) {
  if (data.empty() || data[0] != kHeaderMarker) {
    if (article->ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      return absl::OkStatus();
    }
    return absl::DataLossError("stored article is not a valid record");
  }
  if (data.size() < kHeaderBytes || data[1] != kCodecZstd) {
    return absl::DataLossError("stored article uses an unknown codec");
  }
  const char* frame = data.data() + kHeaderBytes;
  const size_t frame_size = data.size() - kHeaderBytes;
  const unsigned long long size = ZSTD_getFrameContentSize(frame, frame_size);
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
      size > kMaxDecodedBytes) {
    return absl::DataLossError("stored article has a damaged compression header");
  }
  std::string raw(static_cast<size_t>(size), '\0');
  const size_t n =
      ZSTD_decompressDCtx(ThreadDecompressor(), raw.data(), raw.size(), frame, frame_size);
  if (ZSTD_isError(n) || n != raw.size()) {
    return absl::DataLossError(absl::StrCat("stored article does not decompress: ",
                                            ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short"));
  }
  if (!article->ParseFromString(raw)) {
    return absl::DataLossError("stored article decompresses to an invalid record");
  }
  return absl::OkStatus();
}

}  // namespace storyline::index
