// WritePipeline gives each shard's IndexWriter its own thread and a bounded
// FIFO of write operations. Producers (ingest streams, deletes) build
// documents on their own threads and queue cheap closures here, so term
// generation and the Xapian writers run in parallel.
//
// An index may have several shards (see index_layout.h): an article always
// goes to the shard its id hashes to, so upserts and deletes of one id stay
// in order on one writer, and each shard still has exactly one writer.
//
// When a shard's writer fails (IndexWriter::failed()), its thread retries
// IndexWriter::Recover() every IndexWriter::kRecoveryInterval while idle,
// and the health listener hears when the index stops or starts being
// writable.
//
// Thread-safety: all public methods are thread-safe. Operations on one
// shard run one at a time, in submission order, on that shard's thread.
#ifndef STORYLINE_INDEX_WRITE_PIPELINE_H_
#define STORYLINE_INDEX_WRITE_PIPELINE_H_

#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "index/index_writer.h"

namespace storyline::index {

class WritePipeline {
 public:
  using Op = std::function<void(IndexWriter&)>;
  // Runs on every shard; `shard` is its index.
  using ShardOp = std::function<absl::Status(IndexWriter& writer, size_t shard)>;

  // Takes ownership of the shard writers (at least one). `max_queue` bounds
  // each shard's queue; Submit*() blocks while it is full (backpressure).
  explicit WritePipeline(std::vector<std::unique_ptr<IndexWriter>> shards, size_t max_queue = 4096);
  // A single-shard pipeline.
  explicit WritePipeline(std::unique_ptr<IndexWriter> writer, size_t max_queue = 4096);
  // Runs every queued operation, then stops the threads. The writers'
  // destructors commit anything still pending (Xapian's close()).
  ~WritePipeline();

  WritePipeline(const WritePipeline&) = delete;
  WritePipeline& operator=(const WritePipeline&) = delete;

  size_t shards() const { return shards_.size(); }

  // Called with false when a shard's writer fails and with true when every
  // shard can write again; on a writer thread, one call at a time.
  void SetHealthListener(std::function<void(bool writable)> listener);
  // True unless some shard's writer has failed and not yet recovered.
  bool writable() const;

  // Runs `op` on the shard that owns article `id`.
  void SubmitFor(absl::string_view id, Op op);

  // Runs `op` on every shard, each after everything queued on it before,
  // then calls `done` once, on the thread of the last shard to finish, with
  // the first error any shard returned (or OK).
  void SubmitAll(const ShardOp& op, std::function<void(absl::Status)> done);

  // Runs on each shard right after it committed; an error fails the
  // commit's `done` (the commit itself stands, for other callers' sake).
  using CommitCheck = std::function<absl::Status(const IndexWriter& writer, size_t shard)>;

  // Commits every shard (after everything queued before), first adding
  // `spelling` (may be null) to shard 0's dictionary, then calls `done` with
  // the index revision: the sum of the shard revisions, which grows with
  // every commit.
  void SubmitCommit(const std::shared_ptr<const SpellingCounts>& spelling,
                    std::function<void(absl::StatusOr<uint64_t>)> done,
                    const CommitCheck& check = nullptr);

 private:
  struct Shard {
    std::unique_ptr<IndexWriter> writer;
    absl::Mutex mu;
    std::deque<Op> queue ABSL_GUARDED_BY(mu);
    bool stopping ABSL_GUARDED_BY(mu) = false;
    bool reported_failed = false;  // only the shard's thread touches it
    std::thread thread;
  };

  void Enqueue(Shard& shard, Op op);
  void Loop(Shard* shard);
  // Tells the listener when `shard`'s failure state changed.
  void ReportHealth(Shard& shard) ABSL_LOCKS_EXCLUDED(health_mu_);

  const size_t max_queue_;
  std::vector<std::unique_ptr<Shard>> shards_;
  mutable absl::Mutex health_mu_;
  size_t failed_shards_ ABSL_GUARDED_BY(health_mu_) = 0;
  std::function<void(bool)> health_listener_ ABSL_GUARDED_BY(health_mu_);
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_WRITE_PIPELINE_H_
