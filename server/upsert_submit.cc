#include "server/upsert_submit.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/raw_codec.h"

namespace storyline::server {

void PrepareAndSubmitUpsert(const grpc::ByteBuffer& message, int64_t position, v1::Article* article,
                            index::SpellingCounts* spelling, index::WritePipeline& pipeline,
                            const std::shared_ptr<UpsertSink>& sink) {
  // One indexer per gRPC thread: TermGenerator and Stem are not
  // thread-safe, and building one per article would be wasteful.
  thread_local index::ArticleIndexer indexer;
  if (absl::Status s = ParseMessage(message, article); !s.ok()) {
    sink->Reject(position, "", s.message());
    return;
  }
  absl::StatusOr<index::PreparedArticle> prepared = indexer.Prepare(*article, spelling);
  if (!prepared.ok()) {
    sink->Reject(position, article->id(), prepared.status().message());
    return;
  }
  auto doc = std::make_shared<index::PreparedArticle>(std::move(*prepared));
  pipeline.SubmitFor(doc->id, [doc, position, sink](index::IndexWriter& writer) {
    absl::StatusOr<bool> replaced = writer.Upsert(*doc);
    sink->session.Wrote(writer, replaced.status());
    if (replaced.ok()) {
      sink->Upserted(*replaced);
    } else if (absl::IsInvalidArgument(replaced.status())) {
      // The article's own fault is reported per article; a writer failure
      // fails the whole stream (see WriteSession).
      sink->Reject(position, doc->id, replaced.status().message());
    } else {
      sink->WriteFailed(position);
    }
  });
}

}  // namespace storyline::server
