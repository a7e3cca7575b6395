// The IngestArticles reactor: a bidirectional ingest stream that commits at
// checkpoints and reports, after each commit, the stream position committed
// through (see IngestProgress in story_service.proto).
//
// Each article is parsed, validated and turned into a document on the gRPC
// thread, then queued on the WritePipeline for its shard, as in
// IndexArticles. Every `checkpoint` (and when the stream ends) the reactor
// queues a commit barrier behind everything read so far; when it completes
// and no write of this stream was lost to a writer failure (WriteSession),
// every position read before it is durable and is acknowledged. Commits may
// complete out of order; acknowledgements only move forward. A writer
// failure ends the stream with its status (RESOURCE_EXHAUSTED or
// UNAVAILABLE) after the last good acknowledgement.
//
// Thread-safety: one reactor per call; its state is guarded by a mutex
// because gRPC threads and writer threads both reach it.
#ifndef STORYLINE_SERVER_INGEST_STREAM_H_
#define STORYLINE_SERVER_INGEST_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "index/write_pipeline.h"
#include "server/admission.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::server {

// Rejected articles listed per stream before only counting them.
inline constexpr int kMaxReportedErrors = 1000;

// Fills `error`, cutting `id` to the id limit at a UTF-8 boundary (a split
// character would make the reply unparseable for strict proto3 clients).
void FillIndexError(int64_t position, absl::string_view id, absl::string_view reason,
                    v1::IndexError* error);

// The reactor of one IngestArticles call. It reads nothing until Begin()
// hands it its admission slot, which it holds until the call is done; it
// deletes itself when done.
class IngestStream : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  virtual void Begin(Admission::Ticket ticket) = 0;
};

// A new IngestStream; `pipeline` must outlive it.
IngestStream* NewIngestStream(index::WritePipeline* pipeline,
                              absl::Duration checkpoint = absl::Seconds(1));

// A reactor that answers `status` at once without reading (refused calls),
// with its retry delay as trailing metadata.
grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* NewRefusedIngestStream(
    grpc::CallbackServerContext* ctx, const absl::Status& status);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_INGEST_STREAM_H_
