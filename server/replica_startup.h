// Start-up steps that differ between a writer and a read replica
// (storyline-server --read_only --replicate_from=HOST:PORT). server_main.cc
// reads the flags and calls these.
//
// Thread-safety: main thread, during start-up.
#ifndef STORYLINE_SERVER_REPLICA_STARTUP_H_
#define STORYLINE_SERVER_REPLICA_STARTUP_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "index/write_pipeline.h"
#include "server/admission.h"
#include "server/auth.h"
#include "server/ingest_service.h"
#include "server/metrics.h"
#include "server/replica_sync.h"

namespace storyline::server {

// kInvalidArgument unless --read_only and --replicate_from come together,
// and without --seed_jsonl (a replica's index is the writer's copy).
absl::Status CheckReplicaFlags(bool read_only, const std::string& replicate_from,
                               const std::string& seed_jsonl);

// What a replica's refusals name: `writer_address` (--writer_address, the
// writer's gRPC address) when set, else `replicate_from`.
std::string WriterToName(const std::string& writer_address, const std::string& replicate_from);

// The writer's IngestService over `pipeline`, or, when `pipeline` is null,
// a replica's, refusing every call and naming `writer`.
std::unique_ptr<IngestService> MakeIngestService(index::WritePipeline* pipeline,
                                                 const std::string& writer,
                                                 const Authenticator* auth, Admission* admission,
                                                 absl::Duration checkpoint);

// The writer's health follows its writers (StartHealth); a replica's
// IngestService is NOT_SERVING and its StoryService follows its copy
// (ReplicaSync::ServeHealth). Exactly one of `pipeline`, `replica` is set.
grpc::HealthCheckServiceInterface* StartHealthForRole(grpc::Server& server,
                                                      index::WritePipeline* pipeline,
                                                      ReplicaSync* replica, Metrics* metrics);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_REPLICA_STARTUP_H_
