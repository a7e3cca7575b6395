// The on-disk layout of a read replica's index directory. A replica's
// shards are Xapian replicas made by `xapian-replicate` (each shard
// directory holds its own XAPIANDB stub naming `replica_0` or `replica_1`,
// which Xapian switches on a full copy), so the replica's top stub lists
// them with the `auto` backend:
//
//   DIR/XAPIANDB   "# Storyline read replica: N shard(s)" then "auto shard-00" ...
//   DIR/shard-00/  XAPIANDB ("auto replica_1") and replica_1/ (a glass database)
//
// Readers open DIR exactly as they open a writer's index (ShardDirs and
// Xapian's stub reader both follow `auto` lines).
//
// Thread-safety: free functions; safe from any thread.
#ifndef STORYLINE_INDEX_REPLICA_LAYOUT_H_
#define STORYLINE_INDEX_REPLICA_LAYOUT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace storyline::index {

// The shard count recorded in the first shard of an index (its
// kMetaShardLayout "0/N"), read from the database at `shard_dir` (a glass
// database or a replica directory). Fails with kDataLoss when the value is
// missing or is not the first shard's, or the Xapian error's code.
absl::StatusOr<int> RecordedShardCount(const std::string& shard_dir);

// Atomically replaces the stub of `dir` with one listing `shard_names`
// (directories inside `dir`) with the `auto` backend.
absl::Status PublishReplicaStub(const std::string& dir,
                                const std::vector<std::string>& shard_names);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_REPLICA_LAYOUT_H_
