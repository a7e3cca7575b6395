#include "server/ingest_stream.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "index/schema.h"
#include "index/write_session.h"
#include "server/grpc_status.h"
#include "server/raw_codec.h"
#include "server/upsert_submit.h"

namespace storyline::server {
namespace {

using Bidi = grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>;

// What the writer threads report back: counts and rejections.
struct Tally final : UpsertSink {
  absl::Mutex mu;
  v1::IngestProgress next ABSL_GUARDED_BY(mu);  // counts so far, errors since last sent
  int reported ABSL_GUARDED_BY(mu) = 0;
  // The first stream position whose write failed (the writer's fault, not
  // the article's); commits of earlier positions still count.
  int64_t first_failed ABSL_GUARDED_BY(mu) = std::numeric_limits<int64_t>::max();

  void WriteFailed(int64_t position) override {
    absl::MutexLock lock(&mu);
    first_failed = std::min(first_failed, position);
  }
  int64_t FirstFailed() {
    absl::MutexLock lock(&mu);
    return first_failed;
  }

  void Reject(int64_t position, absl::string_view id, absl::string_view reason) override {
    absl::MutexLock lock(&mu);
    next.set_rejected_count(next.rejected_count() + 1);
    if (reported >= kMaxReportedErrors) {
      next.set_omitted_error_count(next.omitted_error_count() + 1);
      return;
    }
    ++reported;
    FillIndexError(position, id, reason, next.add_errors());
  }

  void Upserted(bool replaced) override {
    absl::MutexLock lock(&mu);
    replaced ? next.set_updated_count(next.updated_count() + 1)
             : next.set_indexed_count(next.indexed_count() + 1);
  }
};

class IngestStreamReactor final : public IngestStream {
 public:
  IngestStreamReactor(index::WritePipeline* pipeline, absl::Duration checkpoint)
      : pipeline_(pipeline), interval_(checkpoint) {}

  void Begin(Admission::Ticket ticket) override {
    {
      absl::MutexLock lock(&mu_);
      ticket_ = std::move(ticket);
      next_checkpoint_ = absl::Now() + interval_;
    }
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      if (!failure_.ok()) {  // stop reading; Step() finishes the call
        ended_ = true;
        Step();
        return;
      }
    }
    if (!ok) {  // end of stream, or the client went away
      Checkpoint(/*last=*/true);
      return;
    }
    PrepareAndSubmitUpsert(in_, position_++, &article_, &spelling_, *pipeline_, tally_);
    if (absl::Now() >= next_checkpoint_) Checkpoint(/*last=*/false);
    StartRead(&in_);
  }

  void OnWriteDone(bool /*ok*/) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    Step();
  }

  void OnDone() override { delete this; }

 private:
  // Queues a commit behind everything read so far; its completion
  // acknowledges position_ - 1.
  void Checkpoint(bool last) {
    index::PruneSpellingForBulk(position_ - spelled_from_, &spelling_);
    spelled_from_ = position_;
    auto spelling = std::make_shared<const index::SpellingCounts>(std::move(spelling_));
    spelling_.clear();
    next_checkpoint_ = absl::Now() + interval_;
    const int64_t through = position_ - 1;
    {
      // The call cannot finish while a commit is in flight, so the callback
      // below always finds this reactor alive.
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      ++in_flight_;
    }
    pipeline_->SubmitCommit(
        spelling,
        [this, through, last](absl::StatusOr<uint64_t> revision) {
          Committed(through, last, std::move(revision));
        },
        [tally = tally_](const index::IndexWriter& writer, size_t) {
          return tally->session.CheckCommitted(writer);
        });
  }

  // A checkpoint's commit finished. It acknowledges `through` only if the
  // commit (and its lost-writes check) succeeded and no write at or before
  // `through` failed; a later failure still ends the stream.
  void Committed(int64_t through, bool last, absl::StatusOr<uint64_t> revision) {
    const int64_t first_failed = tally_->FirstFailed();
    absl::MutexLock lock(&mu_);
    --in_flight_;
    if (revision.ok() && through < first_failed) {
      committed_through_ = std::max(committed_through_, through);
      revision_ = std::max(revision_, *revision);
      dirty_ = true;
    }
    absl::Status failed = revision.status();
    if (failed.ok()) failed = tally_->session.failure();
    if (!failed.ok() && failure_.ok()) failure_ = std::move(failed);
    if (last) ended_ = true;
    Step();
  }

  // Sends the next progress message, or finishes the call once nothing is
  // in flight. At most one write is outstanding at a time.
  void Step() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_) return;
    const bool idle = in_flight_ == 0;
    if (failure_.ok() && (dirty_ || (ended_ && idle && !sent_done_))) {
      SendProgress(ended_ && idle);
      return;
    }
    if (!idle) return;
    if (!failure_.ok() || (ended_ && sent_done_)) {
      finished_ = true;
      ticket_.Release();  // free the slot before the reply leaves
      Finish(ToGrpcStatus(failure_));
    }
  }

  void SendProgress(bool done) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    v1::IngestProgress progress;
    {
      absl::MutexLock lock(&tally_->mu);
      progress = tally_->next;
      tally_->next.clear_errors();
    }
    progress.set_committed_through(committed_through_);
    progress.set_revision(revision_);
    progress.set_done(done);
    dirty_ = false;
    sent_done_ = done;
    if (absl::Status s = SerializeMessage(progress, &out_); !s.ok()) {
      failure_ = s;
      Step();
      return;
    }
    writing_ = true;
    StartWrite(&out_);
  }

  index::WritePipeline* const pipeline_;
  const absl::Duration interval_;
  const std::shared_ptr<Tally> tally_ = std::make_shared<Tally>();
  // Reader side: only the thread in OnReadDone touches these.
  grpc::ByteBuffer in_;
  v1::Article article_;
  index::SpellingCounts spelling_;
  int64_t position_ = 0;
  int64_t spelled_from_ = 0;
  absl::Time next_checkpoint_;
  // Shared between gRPC and writer threads.
  absl::Mutex mu_;
  grpc::ByteBuffer out_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t committed_through_ ABSL_GUARDED_BY(mu_) = -1;
  uint64_t revision_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  Admission::Ticket ticket_ ABSL_GUARDED_BY(mu_);
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool sent_done_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

class RefusedIngestStream final : public Bidi {
 public:
  RefusedIngestStream(grpc::CallbackServerContext* ctx, const absl::Status& status) {
    AddRetryMetadata(status, ctx);
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

void FillIndexError(int64_t position, absl::string_view id, absl::string_view reason,
                    v1::IndexError* error) {
  error->set_position(position);
  size_t cut = std::min(id.size(), index::kMaxIdBytes);
  if (cut < id.size()) {
    while (cut > 0 && (static_cast<unsigned char>(id[cut]) & 0xC0) == 0x80) --cut;
  }
  error->set_id(std::string(id.substr(0, cut)));
  error->set_reason(std::string(reason.substr(0, 1024)));
}

IngestStream* NewIngestStream(index::WritePipeline* pipeline, absl::Duration checkpoint) {
  return new IngestStreamReactor(pipeline, checkpoint);
}

Bidi* NewRefusedIngestStream(grpc::CallbackServerContext* ctx, const absl::Status& status) {
  return new RefusedIngestStream(ctx, status);
}

}  // namespace storyline::server
