// storyline-server's index flags (shards, seeding, read replicas, remote
// shards) and the step that opens the index from them: the writer's shards
// (seeded when empty, published to replicas with --replication_listen) or,
// with --read_only, a replica syncing from its writer.
//
// Thread-safety: call from main() during start-up.
#ifndef STORYLINE_SERVER_OPENED_INDEX_H_
#define STORYLINE_SERVER_OPENED_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "index/write_pipeline.h"
#include "server/child_supervisor.h"
#include "server/replica_sync.h"

ABSL_DECLARE_FLAG(std::string, seed_jsonl);
ABSL_DECLARE_FLAG(bool, read_only);
ABSL_DECLARE_FLAG(std::string, replicate_from);
ABSL_DECLARE_FLAG(std::string, writer_address);

namespace storyline::server {

// The index, opened (and seeded when empty) for writing, or a read replica.
struct OpenedIndex {
  std::unique_ptr<index::WritePipeline> pipeline;  // null on a replica
  std::unique_ptr<ChildSupervisor> publisher;      // --replication_listen
  std::unique_ptr<ReplicaSync> replica;            // --read_only
  uint64_t article_count = 0;
  size_t shards = 0;
};

// Opens the index in `index_dir` as the flags say.
absl::StatusOr<OpenedIndex> OpenIndexOrReplica(const std::string& index_dir);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_OPENED_INDEX_H_
