// The on-disk layout of a Storyline index directory.
//
// An index is one or more glass shards, `DIR/shard-00`, `DIR/shard-01`, ...,
// plus a Xapian stub file `DIR/XAPIANDB` listing them. Readers open `DIR` as
// one Xapian::Database (the stub makes Xapian search all shards as one);
// each shard has its own single writer, so ingest can use several cores.
// Articles are placed by a stable hash of their id (ShardForId) modulo the
// shard count, so the count is fixed when the index is created: each shard
// records its place ("i/N", kMetaShardLayout), and an index whose stub no
// longer matches (a shard missing, added or reordered) is refused instead of
// being silently recreated or re-hashed. index/reshard.h changes the count.
//
// Thread-safety: free functions; safe from any thread.
#ifndef STORYLINE_INDEX_INDEX_LAYOUT_H_
#define STORYLINE_INDEX_INDEX_LAYOUT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "index/index_writer.h"
#include "index/shard_spec.h"

namespace storyline::index {

inline constexpr int kMaxShards = 64;

// Opens the writers of every shard of the index in `dir`. A new index gets
// `shards_if_new` shards (1..64); an existing one keeps the shards its stub
// lists. Fails with kUnavailable if another process writes the index,
// kInvalidArgument for a bad shard count, kDataLoss for an unreadable stub,
// and kFailedPrecondition, saying how to fix it, when a listed shard is
// missing or the stub disagrees with the layout the shards recorded.
absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> OpenShardWriters(const std::string& dir,
                                                                           int shards_if_new);

// The same, except that a new index is made of the remote shards
// `remote_if_new` when that is not empty (see shard_spec.h): each must be
// empty or already hold that place, and the stub lists them. Given for an
// index that exists, they must be the shards its stub lists
// (kFailedPrecondition otherwise). A remote shard whose writable server
// does not answer is kUnavailable naming it.
absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> OpenShardWriters(
    const std::string& dir, int shards_if_new, const std::vector<ShardSpec>& remote_if_new);

// The shards listed by the stub in `dir` (local ones as absolute paths), or
// `dir` itself when it is a single glass database without a stub.
// kNotFound when `dir` holds no index; kDataLoss for a bad stub.
absl::StatusOr<std::vector<ShardSpec>> ShardSpecs(const std::string& dir);

// The local shard directories of the index in `dir`, as ShardSpecs does;
// kFailedPrecondition, naming the shard, when a shard is remote.
absl::StatusOr<std::vector<std::string>> ShardDirs(const std::string& dir);

// Where a remote index keeps its spelling dictionary: a local glass
// database `DIR/spelling`, written by shard 0's writer and read beside the
// shards (Xapian's remote backend does not serve spelling tables).
std::string SpellingDir(const std::string& dir);

// Creates `count` new, empty shards named `name_prefix`00, 01, ... in
// `dir`, each recording its layout, and returns their writers. Does not
// touch the stub.
absl::StatusOr<std::vector<std::unique_ptr<IndexWriter>>> CreateShards(
    const std::string& dir, const std::string& name_prefix, int count);

// Atomically replaces the stub of `dir` with one listing `shard_dirs` (paths
// inside `dir`), so readers see either the old list or the new one.
absl::Status PublishStub(const std::string& dir, const std::vector<std::string>& shard_dirs);
// The same for any shards: local ones as glass lines, remote ones as
// Xapian `remote HOST:PORT` lines each followed by its writable endpoint.
absl::Status PublishStub(const std::string& dir, const std::vector<ShardSpec>& shards);

// The shard (0..shards-1) that owns article `id`. Stable across processes
// and versions: FNV-1a of the id bytes.
size_t ShardForId(absl::string_view id, size_t shards);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_INDEX_LAYOUT_H_
