// ReplicaSync keeps a read replica's index directory a copy of the
// writer's: on its own thread it runs `xapian-replicate --one-shot` for
// every shard of the writer's index, from the writer's
// xapian-replicate-server, in rounds `interval` apart, and publishes the
// replica's stub (index/replica_layout.h) once every shard has its first
// full copy. The shard list comes from the writer's first shard: its
// recorded layout "0/N" names shard-00 .. shard-(N-1).
//
// Readers are never blocked: xapian-replicate applies each revision whole
// and the server's Searchers reopen before every request, as they do for
// the writer's own commits.
//
// Health: StoryService is NOT_SERVING until the first full copy exists
// (no stub, nothing to serve), then SERVING, and from then on follows
// index::ProbeReadable (a HealthMonitor). A replica that loses its writer
// keeps serving its last copy (SERVING): a stale answer from a replica is
// better than none, and its lag, in GetIndexStats and in a warning logged
// as failures double, says how stale.
//
// Lag: a round that brings every shard up to date proves the replica holds
// every commit the writer made before the round started, so `synced_through`
// is the start of the last such round and now - synced_through bounds how
// far behind the replica is.
//
// Thread-safety: state() and ServeHealth() are safe from any thread.
#ifndef STORYLINE_SERVER_REPLICA_SYNC_H_
#define STORYLINE_SERVER_REPLICA_SYNC_H_

#include <grpcpp/health_check_service_interface.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "server/health_monitor.h"
#include "server/replication.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::server {

struct ReplicaSyncOptions {
  std::string index_dir;  // the replica's own directory, never the writer's
  std::string writer;     // HOST:PORT of the writer's xapian-replicate-server
  // Between rounds that succeeded; a round that failed waits twice as long
  // as the last, up to `max_backoff`.
  absl::Duration interval = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(10);
  // Longest one shard's xapian-replicate may run before it is killed.
  absl::Duration shard_timeout = absl::Seconds(300);
  std::string program = "xapian-replicate";
};

// What a replica knows about its copy.
struct ReplicaState {
  std::string writer;
  bool has_copy = false;                     // every shard copied at least once; the stub exists
  std::optional<absl::Time> synced_through;  // unset until a round succeeds
  int consecutive_failures = 0;
  std::string last_error;  // of the last failed round; empty after a success
};

class ReplicaSync {
 public:
  // Checks the options, creates the directory and starts syncing at once.
  // Fails with kInvalidArgument for a bad `writer` or a directory that holds
  // a writer's index (a replica needs its own), kUnavailable when the
  // directory cannot be created.
  static absl::StatusOr<std::unique_ptr<ReplicaSync>> Start(ReplicaSyncOptions options);
  ~ReplicaSync();  // stops the running xapian-replicate, joins the thread

  ReplicaSync(const ReplicaSync&) = delete;
  ReplicaSync& operator=(const ReplicaSync&) = delete;

  // Takes over StoryService's health status in `health` (not owned; must
  // outlive this object): NOT_SERVING until the first copy, then as above.
  void ServeHealth(grpc::HealthCheckServiceInterface* health);

  ReplicaState state() const;

 private:
  ReplicaSync(ReplicaSyncOptions options, const ReplicationAddress& writer,
              std::vector<std::string> shards);
  void Loop();
  absl::Status SyncRound();
  absl::Status SyncShard(const std::string& name);
  void Record(const absl::Status& round, absl::Time started);
  void StartServingLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ReplicaSyncOptions options_;
  const std::string host_;  // of the writer's xapian-replicate-server
  const std::string port_;
  std::vector<std::string> shards_;  // sync thread only; empty until known
  absl::Notification stop_;
  mutable absl::Mutex mu_;
  ReplicaState state_ ABSL_GUARDED_BY(mu_);
  grpc::HealthCheckServiceInterface* health_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::unique_ptr<HealthMonitor> monitor_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// `state` as the GetIndexStats reply's replica field, its lag taken at `now`.
void ToReplicaStatusProto(const ReplicaState& state, absl::Time now, v1::ReplicaStatus* out);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_REPLICA_SYNC_H_
