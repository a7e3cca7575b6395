#include "server/replica_startup.h"

#include "server/startup.h"

namespace storyline::server {

absl::Status CheckReplicaFlags(bool read_only, const std::string& replicate_from,
                               const std::string& seed_jsonl) {
  if (read_only == replicate_from.empty()) {
    return absl::InvalidArgumentError(
        "--read_only and --replicate_from=HOST:PORT (the writer's --replication_listen) go "
        "together: a read replica needs both");
  }
  if (read_only && !seed_jsonl.empty()) {
    return absl::InvalidArgumentError(
        "--seed_jsonl writes the index; a --read_only replica copies its writer's instead "
        "(seed the writer)");
  }
  return absl::OkStatus();
}

std::string WriterToName(const std::string& writer_address, const std::string& replicate_from) {
  return writer_address.empty() ? replicate_from : writer_address;
}

std::unique_ptr<IngestService> MakeIngestService(index::WritePipeline* pipeline,
                                                 const std::string& writer,
                                                 const Authenticator* auth, Admission* admission,
                                                 absl::Duration checkpoint) {
  if (pipeline == nullptr) return std::make_unique<IngestService>(ReadOnlyReplica{writer}, auth);
  return std::make_unique<IngestService>(pipeline, auth, admission, checkpoint);
}

grpc::HealthCheckServiceInterface* StartHealthForRole(grpc::Server& server,
                                                      index::WritePipeline* pipeline,
                                                      ReplicaSync* replica, Metrics* metrics) {
  if (replica == nullptr) return StartHealth(server, *pipeline, metrics);
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  health->SetServingStatus("storyline.v1.IngestService", false);
  replica->ServeHealth(health);
  return health;
}

}  // namespace storyline::server
