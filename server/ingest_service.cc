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
#include "index/schema.h"
#include "index/write_session.h"
#include "server/error_details.h"
#include "server/grpc_status.h"
#include "server/ingest_stream.h"
#include "server/raw_codec.h"
#include "server/request_checks.h"
#include "server/upsert_submit.h"

namespace storyline::server {
namespace {

// Result of one stream, filled by the reactor thread (rejections) and the
// writer threads (upserts).
struct StreamResult final : UpsertSink {
  absl::Mutex mu;
  v1::IndexArticlesResponse response ABSL_GUARDED_BY(mu);

  void Reject(int64_t position, absl::string_view id, absl::string_view reason) override {
    absl::MutexLock lock(&mu);
    // Bounded so the reply stays far below gRPC's 4 MiB message limit.
    if (response.errors_size() >= kMaxReportedErrors) {
      response.set_omitted_error_count(response.omitted_error_count() + 1);
      return;
    }
    FillIndexError(position, id, reason, response.add_errors());
  }
  void Upserted(bool replaced) override {
    absl::MutexLock lock(&mu);
    if (replaced) {
      response.set_updated_count(response.updated_count() + 1);
    } else {
      response.set_indexed_count(response.indexed_count() + 1);
    }
  }
  // The session holds the failure; the commit reports it for the stream.
  void WriteFailed(int64_t) override {}
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
    PrepareAndSubmitUpsert(buf_, position_++, &article_, &spelling_, *pipeline_, result_);
    StartRead(&buf_);
  }

  void OnDone() override { delete this; }

 private:
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

// Starts `stream` once admission control gives it a slot (at once without
// admission control). Streams of either ingest RPC share the ingest
// limiter. A refused stream is deleted, never handed to gRPC, and the call
// is answered by `refuse(status)` instead.
template <typename Stream, typename Refuse>
auto StartWhenAdmitted(Admission* admission, Stream* stream, Refuse refuse)
    -> decltype(refuse(absl::Status())) {
  if (admission == nullptr) {
    stream->Begin(Admission::Ticket());
    return stream;
  }
  absl::Status admitted =
      admission->Admit(RpcMethod::kIndexArticles,
                       [stream](Admission::Ticket ticket) { stream->Begin(std::move(ticket)); });
  if (!admitted.ok()) {
    delete stream;
    return refuse(admitted);
  }
  return stream;
}

// A DeleteArticles call's outcome, filled by the writer threads.
struct DeleteResult {
  absl::Mutex mu;
  v1::DeleteArticlesResponse reply ABSL_GUARDED_BY(mu);
  index::WriteSession session;
};

// Queues the delete of each distinct id on the shard that owns it.
void SubmitDeletes(const v1::DeleteArticlesRequest& request, index::WritePipeline& pipeline,
                   const std::shared_ptr<DeleteResult>& result) {
  absl::flat_hash_set<std::string> seen;
  for (const std::string& id : request.ids()) {
    if (!seen.insert(id).second) continue;
    pipeline.SubmitFor(id, [id, result](index::IndexWriter& writer) {
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
}

// The status a delete call finishes with once its commit barrier ran: a
// lost write or failed commit, NOT_FOUND if none of the ids existed (unless
// `allow_missing`), else OK with the reply serialized into `response`.
absl::Status DeleteOutcome(DeleteResult& result, const absl::StatusOr<uint64_t>& revision,
                           bool allow_missing, grpc::ByteBuffer* response) {
  absl::MutexLock lock(&result.mu);
  if (absl::Status failed = result.session.failure(); !failed.ok()) return failed;
  if (!revision.ok()) return revision.status();
  v1::DeleteArticlesResponse& reply = result.reply;
  if (reply.deleted_count() == 0 && !allow_missing) {
    const int shown = std::min(reply.not_found_ids_size(), 10);
    return WithReason(absl::NotFoundError(absl::StrCat(
                          "none of the ids exist: ",
                          absl::StrJoin(reply.not_found_ids().begin(),
                                        reply.not_found_ids().begin() + shown, ", "),
                          reply.not_found_ids_size() > shown ? ", ..." : "",
                          "; set allow_missing to accept a delete of ids already gone")),
                      "ARTICLE_NOT_FOUND");
  }
  reply.set_revision(*revision);
  return SerializeMessage(reply, response);
}

}  // namespace

IngestService::IngestService(index::WritePipeline* pipeline, const Authenticator* auth,
                             Admission* admission, absl::Duration checkpoint)
    : pipeline_(pipeline), auth_(auth), admission_(admission), checkpoint_(checkpoint) {}

IngestService::IngestService(ReadOnlyReplica replica, const Authenticator* auth)
    : pipeline_(nullptr),
      auth_(auth),
      admission_(nullptr),
      checkpoint_(absl::ZeroDuration()),
      writer_(std::move(replica.writer)) {}

absl::Status IngestService::ReadOnlyRefusal() const {
  return WithReason(
      absl::FailedPreconditionError(
          absl::StrCat("this server is a read-only replica; send IndexArticles, IngestArticles and "
                       "DeleteArticles to the writer at ",
                       writer_)),
      "READ_ONLY_REPLICA");
}

grpc::ServerReadReactor<grpc::ByteBuffer>* IngestService::IndexArticles(
    grpc::CallbackServerContext* ctx, grpc::ByteBuffer* response) {
  auto refuse = [ctx](const absl::Status& status) -> grpc::ServerReadReactor<grpc::ByteBuffer>* {
    return new RefusedStreamReactor(ctx, status);
  };
  if (auth_ != nullptr) {
    if (absl::Status s = auth_->Check(*ctx, Role::kWrite); !s.ok()) return refuse(s);
  }
  if (pipeline_ == nullptr) return refuse(ReadOnlyRefusal());
  return StartWhenAdmitted(admission_, new IndexArticlesReactor(response, pipeline_), refuse);
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* IngestService::IngestArticles(
    grpc::CallbackServerContext* ctx) {
  auto refuse = [ctx](const absl::Status& status) { return NewRefusedIngestStream(ctx, status); };
  if (auth_ != nullptr) {
    if (absl::Status s = auth_->Check(*ctx, Role::kWrite); !s.ok()) return refuse(s);
  }
  if (pipeline_ == nullptr) return refuse(ReadOnlyRefusal());
  return StartWhenAdmitted(admission_, NewIngestStream(pipeline_, checkpoint_), refuse);
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
  if (pipeline_ == nullptr) {
    finish(ReadOnlyRefusal());
    return reactor;
  }
  v1::DeleteArticlesRequest req;
  absl::Status status = WithReason(ParseMessage(*request, &req), "REQUEST_MALFORMED");
  if (status.ok()) status = CheckDeleteRequest(req);
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
  // after all of them, so its callback sees every result.
  auto result = std::make_shared<DeleteResult>();
  SubmitDeletes(req, *pipeline_, result);
  pipeline_->SubmitCommit(
      nullptr,
      [result, response, finish,
       allow_missing = req.allow_missing()](const absl::StatusOr<uint64_t>& revision) {
        finish(DeleteOutcome(*result, revision, allow_missing, response));
      },
      [result](const index::IndexWriter& writer, size_t) {
        return result->session.CheckCommitted(writer);
      });
  return reactor;
}

}  // namespace storyline::server
