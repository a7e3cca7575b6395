// The stored form of an article: the document data of its Xapian document.
//
// Articles are stored as a serialized storyline.v1.Article compressed with
// zstd, behind a two-byte header ("\0" then a codec byte). Compressing here
// keeps glass from zlib-compressing the record itself: glass only stores a
// tag compressed when zlib shrinks it, which a zstd frame never allows, and
// Xapian 1.4.22's reader cannot read back some highly compressible tags it
// wrote ("Too few chunks of compressed data"; see docs in article_data.cc).
// zstd also decodes faster than zlib.
//
// Records written before the header existed are a bare serialized Article,
// whose first byte is never 0 (field number 0 is invalid in protobuf), so
// both forms decode.
//
// Thread-safety: free functions; safe from any thread.
#ifndef STORYLINE_INDEX_ARTICLE_DATA_H_
#define STORYLINE_INDEX_ARTICLE_DATA_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

// The document data that stores `article`.
std::string EncodeArticleData(const storyline::v1::Article& article);

// Decodes document data written by EncodeArticleData (or a legacy bare
// Article) into `article`. Fails with kDataLoss, naming what is wrong, when
// the data is damaged or uses a codec this build does not know.
absl::Status DecodeArticleData(absl::string_view data, storyline::v1::Article* article);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_ARTICLE_DATA_H_
