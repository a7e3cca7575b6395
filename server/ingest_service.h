// IngestService: the write-side RPCs. With an Authenticator, every call
// needs the write token; a refused call is answered before any article is
// read.
//
// IndexArticles is a client-streaming reactor. For each message it parses
// and validates the article and builds its Xapian document on the gRPC
// thread (with a thread-local ArticleIndexer; server/upsert_submit.h), then
// queues the upsert on the WritePipeline shard that owns its id and
// immediately reads the next message, so term generation and the shards'
// writers (one per shard) overlap. When the stream ends it queues a commit
// on every shard; once all have committed the call finishes, so an OK
// reply means the accepted articles are durable. IngestArticles
// (server/ingest_stream.h) does the same with checkpoints.
//
// On a read replica (storyline-server --read_only) there is no pipeline and
// every call is refused with FAILED_PRECONDITION naming the writer.
//
// Thread-safety: shared by all gRPC threads; holds only a pointer to the
// thread-safe WritePipeline.
#ifndef STORYLINE_SERVER_INGEST_SERVICE_H_
#define STORYLINE_SERVER_INGEST_SERVICE_H_

#include <string>

#include "absl/time/time.h"
#include "index/write_pipeline.h"
#include "server/admission.h"
#include "server/auth.h"
#include "storyline/v1/story_service.grpc.pb.h"

namespace storyline::server {

using RawIngestService = v1::IngestService::WithRawCallbackMethod_IndexArticles<
    v1::IngestService::WithRawCallbackMethod_IngestArticles<
        v1::IngestService::WithRawCallbackMethod_DeleteArticles<v1::IngestService::Service>>>;

// A read replica's IngestService: where writes go instead.
struct ReadOnlyReplica {
  std::string writer;  // the writer's address, as the refusal names it
};

class IngestService final : public RawIngestService {
 public:
  // A read replica's: every call, once its write token (if `auth`) passed,
  // is refused with FAILED_PRECONDITION naming the writer.
  explicit IngestService(ReadOnlyReplica replica, const Authenticator* auth = nullptr);

  // No pointer is owned; all must outlive the server. A non-null `auth`
  // checks every call's write token before reading any request. A non-null
  // `admission` limits the streams (each holds a slot until it is done; a
  // waiting one is not read) and deletes (refused when none is free).
  // `checkpoint`: how often an IngestArticles stream commits and reports.
  explicit IngestService(index::WritePipeline* pipeline, const Authenticator* auth = nullptr,
                         Admission* admission = nullptr,
                         absl::Duration checkpoint = absl::Seconds(1));

  grpc::ServerReadReactor<grpc::ByteBuffer>* IndexArticles(grpc::CallbackServerContext* ctx,
                                                           grpc::ByteBuffer* response) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* IngestArticles(
      grpc::CallbackServerContext* ctx) override;
  grpc::ServerUnaryReactor* DeleteArticles(grpc::CallbackServerContext* ctx,
                                           const grpc::ByteBuffer* request,
                                           grpc::ByteBuffer* response) override;

 private:
  // FAILED_PRECONDITION naming the writer (set only on a replica).
  absl::Status ReadOnlyRefusal() const;

  index::WritePipeline* pipeline_;  // null on a read replica
  const Authenticator* auth_;
  Admission* admission_;
  const absl::Duration checkpoint_;
  const std::string writer_;  // a read replica's writer
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_INGEST_SERVICE_H_
