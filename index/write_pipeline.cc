#include "index/write_pipeline.h"

#include <pthread.h>

#include <atomic>
#include <string>
#include <utility>

#include "index/index_layout.h"

namespace storyline::index {

WritePipeline::WritePipeline(std::vector<std::unique_ptr<IndexWriter>> shards, size_t max_queue)
    : max_queue_(max_queue) {
  for (auto& writer : shards) {
    auto shard = std::make_unique<Shard>();
    shard->writer = std::move(writer);
    shards_.push_back(std::move(shard));
  }
  for (auto& shard : shards_) {
    shard->thread = std::thread(&WritePipeline::Loop, this, shard.get());
  }
}

WritePipeline::WritePipeline(std::unique_ptr<IndexWriter> writer, size_t max_queue)
    : WritePipeline(
          [&] {
            std::vector<std::unique_ptr<IndexWriter>> v;
            v.push_back(std::move(writer));
            return v;
          }(),
          max_queue) {}

WritePipeline::~WritePipeline() {
  for (auto& shard : shards_) {
    absl::MutexLock lock(&shard->mu);
    shard->stopping = true;
  }
  for (auto& shard : shards_) shard->thread.join();
}

void WritePipeline::Enqueue(Shard& shard, Op op) {
  absl::MutexLock lock(&shard.mu);
  struct Room {
    Shard* shard;
    size_t max;
  } room{&shard, max_queue_};
  shard.mu.Await(absl::Condition(
      +[](Room* r) ABSL_NO_THREAD_SAFETY_ANALYSIS { return r->shard->queue.size() < r->max; },
      &room));
  shard.queue.push_back(std::move(op));
}

void WritePipeline::SubmitFor(absl::string_view id, Op op) {
  Enqueue(*shards_[ShardForId(id, shards_.size())], std::move(op));
}

void WritePipeline::SubmitAll(const ShardOp& op, std::function<void(absl::Status)> done) {
  struct Barrier {
    std::atomic<size_t> remaining;
    absl::Mutex mu;
    absl::Status first_error ABSL_GUARDED_BY(mu);
    std::function<void(absl::Status)> done;
  };
  auto barrier = std::make_shared<Barrier>();
  barrier->remaining = shards_.size();
  barrier->done = std::move(done);
  for (size_t i = 0; i < shards_.size(); ++i) {
    Enqueue(*shards_[i], [op, barrier, i](IndexWriter& writer) {
      absl::Status s = op(writer, i);
      if (!s.ok()) {
        absl::MutexLock lock(&barrier->mu);
        if (barrier->first_error.ok()) barrier->first_error = s;
      }
      if (barrier->remaining.fetch_sub(1) == 1) {
        absl::Status result;
        {
          absl::MutexLock lock(&barrier->mu);
          result = barrier->first_error;
        }
        barrier->done(result);
      }
    });
  }
}

void WritePipeline::SubmitCommit(const std::shared_ptr<const SpellingCounts>& spelling,
                                 std::function<void(absl::StatusOr<uint64_t>)> done,
                                 const CommitCheck& check) {
  auto revisions = std::make_shared<std::vector<uint64_t>>(shards_.size(), 0);
  SubmitAll(
      [spelling, revisions, check](IndexWriter& writer, size_t shard) -> absl::Status {
        if (shard == 0 && spelling != nullptr && !spelling->empty()) {
          if (absl::Status s = writer.AddSpelling(*spelling); !s.ok()) return s;
        }
        absl::StatusOr<uint64_t> revision = writer.Commit();
        if (!revision.ok()) return revision.status();
        (*revisions)[shard] = *revision;  // each shard writes its own slot
        // After the commit: it may have recovered the writer first.
        return check ? check(writer, shard) : absl::OkStatus();
      },
      [revisions, done = std::move(done)](const absl::Status& status) {
        if (!status.ok()) {
          done(status);
          return;
        }
        uint64_t total = 0;
        for (uint64_t r : *revisions) total += r;
        done(total);
      });
}

void WritePipeline::SetHealthListener(std::function<void(bool writable)> listener) {
  absl::MutexLock lock(&health_mu_);
  health_listener_ = std::move(listener);
}

bool WritePipeline::writable() const {
  absl::MutexLock lock(&health_mu_);
  return failed_shards_ == 0;
}

void WritePipeline::ReportHealth(Shard& shard) {
  const bool failed = shard.writer->failed();
  if (failed == shard.reported_failed) return;
  shard.reported_failed = failed;
  absl::MutexLock lock(&health_mu_);
  const bool was_writable = failed_shards_ == 0;
  failed_shards_ = failed ? failed_shards_ + 1 : failed_shards_ - 1;
  const bool now_writable = failed_shards_ == 0;
  if (health_listener_ && was_writable != now_writable) health_listener_(now_writable);
}

void WritePipeline::Loop(Shard* shard) {
  pthread_setname_np(pthread_self(), "sl-writer");
  for (;;) {
    Op op;
    {
      absl::MutexLock lock(&shard->mu);
      // A failed writer wakes up to retry recovery even when nobody writes,
      // so health turns SERVING again once the cause is gone.
      const absl::Duration wait =
          shard->writer->failed() ? IndexWriter::kRecoveryInterval : absl::InfiniteDuration();
      shard->mu.AwaitWithTimeout(absl::Condition(
                                     +[](Shard* s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                                       return s->stopping || !s->queue.empty();
                                     },
                                     shard),
                                 wait);
      if (shard->stopping && shard->queue.empty()) return;
      if (!shard->queue.empty()) {
        op = std::move(shard->queue.front());
        shard->queue.pop_front();
      }
    }
    if (op) {
      op(*shard->writer);
    } else {
      shard->writer->Recover().IgnoreError();  // still failed: try again later
    }
    ReportHealth(*shard);
  }
}

}  // namespace storyline::index
