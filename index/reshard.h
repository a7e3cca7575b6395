// Reshard changes the number of shards of an index offline, moving every
// article to the shard its id hashes to under the new count (ShardForId).
//
// The index must not be open for writing elsewhere (stop the server first:
// Reshard takes every shard's write lock). New shards are built beside the
// old ones; the stub is then replaced atomically, so a crash leaves either
// the old index or the new one, never a mix, and only then are the old
// shards removed. Ids stored more than once (an index damaged by editing
// its stub) are merged, the last copy winning, and counted.
//
// Thread-safety: a free function; one Reshard per index at a time.
#ifndef STORYLINE_INDEX_RESHARD_H_
#define STORYLINE_INDEX_RESHARD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace storyline::index {

struct ReshardResult {
  uint64_t articles = 0;    // articles in the resharded index
  uint64_t duplicates = 0;  // extra copies of an id that were merged
  int old_shards = 0;
  int new_shards = 0;
};

// Reshards the index in `dir` to `shards` (1..kMaxShards). `progress`, if
// set, is called now and then with (articles moved, articles in all). Fails
// with kUnavailable if the index is being written, kFailedPrecondition if a
// listed shard is missing (its articles could not be moved), kInvalidArgument
// for a bad count.
absl::StatusOr<ReshardResult> Reshard(
    const std::string& dir, int shards,
    const std::function<void(uint64_t moved, uint64_t total)>& progress = {});

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_RESHARD_H_
