// The shards of an index that still answer, for a Search that allows
// partial results (SearchParams::allow_partial) while a remote shard is
// lost. Each lost shard is replaced by an empty in-memory database, so the
// shards that answer keep their document ids (Xapian numbers documents
// round robin over the shards) and the semantic model's rows still match.
#ifndef STORYLINE_INDEX_REACHABLE_SHARDS_H_
#define STORYLINE_INDEX_REACHABLE_SHARDS_H_

#include <xapian.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace storyline::index {

struct ReachableShards {
  Xapian::Database db;               // every shard, the lost ones empty
  std::vector<std::string> missing;  // the lost shards' names (ShardSpec::Name)
};

// Opens the index in `dir` shard by shard. kUnavailable if no shard
// answers; `missing` is empty when every shard does.
absl::StatusOr<ReachableShards> OpenReachableShards(const std::string& dir);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_REACHABLE_SHARDS_H_
