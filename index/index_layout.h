// The on-disk layout of a Storyline index directory.
//
// An index is one or more glass shards, `DIR/shard-00`, `DIR/shard-01`, ...,
// plus a Xapian stub file `DIR/XAPIANDB` listing them. Readers open `DIR` as
// one Xapian::Database (the stub makes Xapian search all shards as one);
// each shard has its own single writer, so ingest can use several cores.
// Articles are placed by a stable hash of their id (ShardForId).
//
// Thread-safety: free functions; safe from any thread.
#ifndef STORYLINE_INDEX_INDEX_LAYOUT_H_
#define STORYLINE_INDEX_INDEX_LAYOUT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "index/index_writer.h"

namespace storyline::index {

// Opens the writers of every shard of the index in `dir`. A new index gets
// `shards_if_new` shards (1..64); an existing one keeps the shards its stub
// lists. Fails with kUnavailable if another process writes the index,
// kInvalidArgument for a bad shard count, kDataLoss for an unreadable stub.
absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> OpenShardWriters(
    const std::string& dir, int shards_if_new);

// The shard directories listed by the stub in `dir` (absolute paths), or
// `dir` itself when it is a single glass database without a stub.
absl::StatusOr<std::vector<std::string>> ShardDirs(const std::string& dir);

// The shard (0..shards-1) that owns article `id`. Stable across processes
// and versions: FNV-1a of the id bytes.
size_t ShardForId(absl::string_view id, size_t shards);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_INDEX_LAYOUT_H_
