// The writer's side of read replicas: its shards are published with
// Xapian's own `xapian-replicate-server` (xapian-tools), run as a
// supervised child process on the index directory, from which each
// replica's ReplicaSync (server/replica_sync.h) pulls every shard. Plus the
// HOST:PORT parsing both sides share.
//
// The replication protocol has no authentication or encryption: bind it
// to loopback or a private interface only (docs/ARCHITECTURE.md, "Read
// replicas").
//
// Thread-safety: EnableChangesets runs on the main thread before any
// writer opens; the rest are pure functions or own their thread.
#ifndef STORYLINE_SERVER_REPLICATION_H_
#define STORYLINE_SERVER_REPLICATION_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/child_supervisor.h"

namespace storyline::server {

struct ReplicationAddress {
  std::string host;  // without [] for IPv6; empty: every interface
  int port = 0;      // 1..65535
};

// Parses "HOST:PORT" (or "[V6]:PORT", or ":PORT"); kInvalidArgument naming
// `flag` otherwise.
absl::StatusOr<ReplicationAddress> ParseReplicationAddress(absl::string_view address,
                                                           absl::string_view flag);

// Makes the writers keep `changesets` changesets per shard (Xapian's
// XAPIAN_MAX_CHANGESETS, unless the environment already sets it), so a
// replica catches up by applying the commits it missed instead of copying
// the whole shard. Must run before the writers open.
void EnableChangesets(int changesets);

// OK when the index in `index_dir` can be published to replicas: every
// shard is a local directory. xapian-replicate-server publishes only the
// shard directories inside `index_dir`, so an index made of remote shards
// (`remote_shards`, the --remote_shards flag, given; or the stub listing a
// `remote` shard) would leave every replica failing to copy it. That is
// kFailedPrecondition, saying what to do instead. An index that does not
// exist yet, or whose stub cannot be read, passes (opening it reports that).
absl::Status CheckPublishable(const std::string& index_dir, const std::string& remote_shards);

// Starts `program` (xapian-replicate-server) serving the shards of
// `index_dir` on `listen`, kept running by a ChildSupervisor. Fails with
// kInvalidArgument for a bad `listen`. A non-loopback address is logged as
// a warning: anyone who reaches it can copy the whole index.
absl::StatusOr<std::unique_ptr<ChildSupervisor>> StartReplicationPublisher(
    const std::string& index_dir, const std::string& listen,
    const std::string& program = "xapian-replicate-server");

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_REPLICATION_H_
