// Start-up steps of the storyline-server process that need no flags:
// process limits and signals, opening the index's writers, health wiring
// and the port file, and the first steps of shutdown. server_main.cc runs
// them in order.
//
// Thread-safety: BlockShutdownSignals must run before any thread starts;
// the rest run on the main thread during start-up.
#ifndef STORYLINE_SERVER_STARTUP_H_
#define STORYLINE_SERVER_STARTUP_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "index/index_writer.h"
#include "index/semantic_space.h"
#include "index/shard_spec.h"
#include "index/write_pipeline.h"
#include "server/connection_listener.h"
#include "server/health_monitor.h"
#include "server/metrics.h"
#include "server/synonym_reload.h"

namespace storyline::server {

// `status`'s code with `message`, the text main() logs.
inline absl::Status Failure(const absl::Status& status, const std::string& message) {
  return absl::Status(status.code(), message);
}

// Raises the open-file limit to its hard maximum: connections, shards and
// readers all need descriptors, and the default soft limit is often 1024.
void RaiseFileLimit();

// Blocks SIGINT, SIGTERM and SIGHUP in this thread (and so in every thread started
// after it) and ignores SIGXFSZ; returns the set WaitForShutdownSignal
// waits on.
sigset_t BlockShutdownSignals();

// Waits for SIGINT, SIGTERM or SIGHUP; returns which.
int WaitForShutdownSignal(const sigset_t& signals);

// Opens the index's writers (index::OpenShardWriters). Xapian's write lock
// is held by a helper process that outlives a killed server by a moment,
// so a restart right after a crash waits for it (up to 10 s) instead of
// failing.
absl::StatusOr<std::vector<std::unique_ptr<index::IndexWriter>>> OpenWritersWaitingForLock(
    const std::string& dir, int shards, const std::vector<index::ShardSpec>& remote_if_new = {});

// Sets the services' health and keeps IngestService's following the
// writers: NOT_SERVING while a shard's writer has failed (disk full, out of
// descriptors...), SERVING again once it recovers. `metrics` may be null.
grpc::HealthCheckServiceInterface* StartHealth(grpc::Server& server, index::WritePipeline& pipeline,
                                               Metrics* metrics);

// Writes `port` to `path` whole (readers never see half a file); nothing
// when `path` is empty.
void WritePortFile(const std::string& path, int port);

// Waits for SIGTERM or SIGINT (returned), reloading synonyms at each SIGHUP.
int WaitReloadingSynonyms(const sigset_t& signals, SynonymReloader& reloader);

// The first half of shutdown: stops taking calls and gives those in flight
// `call_timeout` (after it gRPC cancels them), then waits for them all.
// `listener`, `semantic` and `monitor` may be null.
void StopServing(grpc::Server& server, grpc::HealthCheckServiceInterface* health,
                 ConnectionListener* listener, index::SemanticSpace* semantic,
                 std::unique_ptr<HealthMonitor> monitor, absl::Duration call_timeout);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_STARTUP_H_
