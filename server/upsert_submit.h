// The step both ingest RPCs (IndexArticles, IngestArticles) take for each
// streamed message: parse it, build its Xapian document on the calling gRPC
// thread, and queue the upsert on the WritePipeline shard that owns its id.
// The writer thread reports the outcome to the stream's UpsertSink.
//
// Thread-safety: PrepareAndSubmitUpsert is called by one stream's reader at
// a time (it uses a thread-local ArticleIndexer); UpsertSink
// implementations are reached from the reader and the writer threads and
// must be thread-safe.
#ifndef STORYLINE_SERVER_UPSERT_SUBMIT_H_
#define STORYLINE_SERVER_UPSERT_SUBMIT_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>

#include "absl/strings/string_view.h"
#include "index/article_indexer.h"
#include "index/write_pipeline.h"
#include "index/write_session.h"
#include "storyline/v1/article.pb.h"

namespace storyline::server {

// Where one stream's upserts report.
class UpsertSink {
 public:
  virtual ~UpsertSink() = default;

  // The article at stream `position` was refused: it did not parse, failed
  // validation, or the writer found it invalid. `id` may be empty.
  virtual void Reject(int64_t position, absl::string_view id, absl::string_view reason) = 0;
  // The writer stored the article; `replaced` if its id existed.
  virtual void Upserted(bool replaced) = 0;
  // The write of `position` failed through no fault of the article (the
  // session holds the failure too).
  virtual void WriteFailed(int64_t position) = 0;

  // Follows the stream's writes across shards (see index/write_session.h).
  index::WriteSession session;
};

// Parses `message` into `*article` (scratch space the caller reuses),
// prepares its document, adding its words to `*spelling`, and queues the
// upsert on `pipeline`. Parse and validation failures are reported to
// `sink` at once; the write's outcome later, from the writer thread.
void PrepareAndSubmitUpsert(const grpc::ByteBuffer& message, int64_t position, v1::Article* article,
                            index::SpellingCounts* spelling, index::WritePipeline& pipeline,
                            const std::shared_ptr<UpsertSink>& sink);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_UPSERT_SUBMIT_H_
