#include "server/ingest_service.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "index/article_indexer.h"
#include "index/schema.h"
#include "index/write_session.h"
#include "server/grpc_status.h"
#include "server/ingest_stream.h"
#include "server/raw_codec.h"
#include "server/request_checks.h"

namespace storyline::server {
namespace {

// Result of one stream, filled by the reactor thread (rejections) and the
// writer thread (upserts).
struct StreamResult {
  absl::Mutex mu;
  v1::IndexArticlesResponse response ABSL_GUARDED_BY(mu);
  index::WriteSession session;

  void Reject(int64_t position, absl::string_view id, absl::string_view reason) {
    absl::MutexLock lock(&mu);
    // Bounded so the reply stays far below gRPC's 4 MiB message limit.
    if (response.errors_size() >= kMaxReportedErrors) {
      response.set_omitted_error_count(response.omitted_error_count() + 1);
      return;
    }
    FillIndexError(position, id, reason, response.add_errors());
  }
};

class IndexArticlesReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  IndexArticlesReactor(grpc::ByteBuffer* response, index::WritePipeline* pipeline)
      : response_buf_(response), pipeline_(pipeline), result_(std::make_shared<StreamResult>()) {}

  // Starts reading once the stream has its admission slot, which it holds
  // until it is done.
  void Begin(Admission::Ticket ticket) {
    ticket_ = std::move(ticket);
    StartRead(&buf_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // End of stream (or the client went away): commit what was accepted.
      QueueCommit();
      return;
    }
    const int64_t position = position_++;
    Handle(position);
    StartRead(&buf_);
  }

  void OnDone() override { delete this; }

 private:
  void Handle(int64_t position) {
    // One indexer per gRPC thread: TermGenerator and Stem are not
    // thread-safe, and building one per article would be wasteful.
    thread_local index::ArticleIndexer indexer;
    if (absl::Status s = ParseMessage(buf_, &article_); !s.ok()) {
      result_->Reject(position, "", s.message());
      return;
    }
    absl::StatusOr<index::PreparedArticle> prepared = indexer.Prepare(article_, &spelling_);
    if (!prepared.ok()) {
      result_->Reject(position, article_.id(), prepared.status().message());
      return;
    }
    auto doc = std::make_shared<index::PreparedArticle>(std::move(*prepared));
    pipeline_->SubmitFor(doc->id, [doc, position, result = result_](index::IndexWriter& writer) {
      absl::StatusOr<bool> replaced = writer.Upsert(*doc);
      result->session.Wrote(writer, replaced.status());
      if (!replaced.ok()) {
        // The article's own fault is reported per article; a writer
        // failure fails the whole stream (see WriteSession).
        if (replaced.status().code() == absl::StatusCode::kInvalidArgument) {
          result->Reject(position, doc->id, replaced.status().message());
        }
        return;
      }
      absl::MutexLock lock(&result->mu);
      if (*replaced) {
        result->response.set_updated_count(result->response.updated_count() + 1);
      } else {
        result->response.set_indexed_count(result->response.indexed_count() + 1);
      }
    });
  }

  void QueueCommit() {
    index::PruneSpellingForBulk(position_, &spelling_);
    auto spelling = std::make_shared<const index::SpellingCounts>(std::move(spelling_));
    auto check = [result = result_](const index::IndexWriter& writer, size_t) {
      return result->session.CheckCommitted(writer);
    };
    auto done = [this, result = result_](absl::StatusOr<uint64_t> revision) {
      absl::Status status = result->session.failure();
      if (status.ok()) status = revision.status();
      if (status.ok()) {
        absl::MutexLock lock(&result->mu);
        result->response.set_revision(*revision);
        status = SerializeMessage(result->response, response_buf_);
      }
      ticket_.Release();  // free before the reply leaves
      Finish(ToGrpcStatus(status));
    };
    pipeline_->SubmitCommit(spelling, std::move(done), std::move(check));
  }

  grpc::ByteBuffer buf_;
  grpc::ByteBuffer* response_buf_;
  index::WritePipeline* pipeline_;
  std::shared_ptr<StreamResult> result_;
  v1::Article article_;
  index::SpellingCounts spelling_;
  int64_t position_ = 0;
  Admission::Ticket ticket_;
};

// Answers a refused ingest stream at once, without reading a message.
class RefusedStreamReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  RefusedStreamReactor(grpc::CallbackServerContext* ctx, const absl::Status& status) {
    AddRetryMetadata(status, ctx);
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

IngestService::IngestService(index::WritePipeline* pipeline, const Authenticator* auth,
                             Admission* admission, absl::Duration checkpoint)
    : pipeline_(pipeline), auth_(auth), admission_(admission), checkpoint_(checkpoint) {}

grpc::ServerReadReactor<grpc::ByteBuffer>* IngestService::IndexArticles(
    grpc::CallbackServerContext* ctx, grpc::ByteBuffer* response) {
  if (auth_ != nullptr) {
    if (absl::Status s = auth_->Check(*ctx, Role::kWrite); !s.ok()) {
      return new RefusedStreamReactor(ctx, s);
    }
  }
  auto* reactor = new IndexArticlesReactor(response, pipeline_);
  if (admission_ == nullptr) {
    reactor->Begin(Admission::Ticket());
    return reactor;
  }
  absl::Status admitted =
      admission_->Admit(RpcMethod::kIndexArticles,
                        [reactor](Admission::Ticket ticket) { reactor->Begin(std::move(ticket)); });
  if (!admitted.ok()) {
    delete reactor;  // never handed to gRPC
    return new RefusedStreamReactor(ctx, admitted);
  }
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* IngestService::IngestArticles(
    grpc::CallbackServerContext* ctx) {
  if (auth_ != nullptr) {
    if (absl::Status s = auth_->Check(*ctx, Role::kWrite); !s.ok()) {
      return NewRefusedIngestStream(ctx, s);
    }
  }
  IngestStream* stream = NewIngestStream(pipeline_, checkpoint_);
  if (admission_ == nullptr) {
    stream->Begin(Admission::Ticket());
    return stream;
  }
  // Streams of either ingest RPC share the ingest limiter.
  absl::Status admitted =
      admission_->Admit(RpcMethod::kIndexArticles,
                        [stream](Admission::Ticket ticket) { stream->Begin(std::move(ticket)); });
  if (!admitted.ok()) {
    delete stream;  // never handed to gRPC
    return NewRefusedIngestStream(ctx, admitted);
  }
  return stream;
}

grpc::ServerUnaryReactor* IngestService::DeleteArticles(grpc::CallbackServerContext* ctx,
                                                        const grpc::ByteBuffer* request,
                                                        grpc::ByteBuffer* response) {
  if (auto* refused = FinishIfUnauthorized(auth_, Role::kWrite, ctx)) {
    return refused;
  }
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  auto ticket = std::make_shared<Admission::Ticket>();
  auto finish = [reactor, ticket](const absl::Status& s) {
    ticket->Release();
    reactor->Finish(ToGrpcStatus(s));
  };
  auto req = std::make_shared<v1::DeleteArticlesRequest>();
  absl::Status status = ParseMessage(*request, req.get());
  if (status.ok()) status = CheckDeleteRequest(*req);
  if (!status.ok()) {
    finish(status);
    return reactor;
  }
  if (admission_ != nullptr) {
    absl::StatusOr<Admission::Ticket> admitted = admission_->TryAdmit(RpcMethod::kDeleteArticles);
    if (!admitted.ok()) {
      AddRetryMetadata(admitted.status(), ctx);
      finish(admitted.status());
      return reactor;
    }
    *ticket = std::move(*admitted);
  }
  // Deletes run on the shards that own the ids; the commit barrier runs
  // after all of them, so `done` sees every result.
  struct DeleteResult {
    absl::Mutex mu;
    v1::DeleteArticlesResponse reply ABSL_GUARDED_BY(mu);
    index::WriteSession session;
  };
  auto result = std::make_shared<DeleteResult>();
  absl::flat_hash_set<std::string> seen;
  for (const std::string& id : req->ids()) {
    if (!seen.insert(id).second) continue;
    pipeline_->SubmitFor(id, [id, result](index::IndexWriter& writer) {
      absl::StatusOr<bool> deleted = writer.Delete(id);
      result->session.Wrote(writer, deleted.status());
      absl::MutexLock lock(&result->mu);
      if (!deleted.ok()) return;  // the session holds the failure
      if (*deleted) {
        result->reply.set_deleted_count(result->reply.deleted_count() + 1);
      } else {
        result->reply.add_not_found_ids(id);
      }
    });
  }
  auto check = [result](const index::IndexWriter& writer, size_t) {
    return result->session.CheckCommitted(writer);
  };
  auto done = [result, response, finish](absl::StatusOr<uint64_t> revision) {
    absl::MutexLock lock(&result->mu);
    if (absl::Status failed = result->session.failure(); !failed.ok()) {
      finish(failed);
      return;
    }
    if (!revision.ok()) {
      finish(revision.status());
      return;
    }
    v1::DeleteArticlesResponse& reply = result->reply;
    if (reply.deleted_count() == 0) {
      const int shown = std::min(reply.not_found_ids_size(), 10);
      finish(absl::NotFoundError(absl::StrCat(
          "none of the ids exist: ",
          absl::StrJoin(reply.not_found_ids().begin(), reply.not_found_ids().begin() + shown, ", "),
          reply.not_found_ids_size() > shown ? ", ..." : "")));
      return;
    }
    reply.set_revision(*revision);
    finish(SerializeMessage(reply, response));
  };
  pipeline_->SubmitCommit(nullptr, std::move(done), std::move(check));
  return reactor;
}

}  // namespace storyline::server
