// WritePipeline gives the one IndexWriter its own thread and a bounded FIFO
// of write operations. Producers (ingest streams, deletes) prepare documents
// on their own threads and queue cheap closures here, so term generation and
// the Xapian writer run in parallel.
//
// Thread-safety: Submit() is thread-safe. Operations run one at a time, in
// submission order, on the writer thread.
#ifndef STORYLINE_INDEX_WRITE_PIPELINE_H_
#define STORYLINE_INDEX_WRITE_PIPELINE_H_

#include <deque>
#include <functional>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "index/index_writer.h"

namespace storyline::index {

class WritePipeline {
 public:
  using Op = std::function<void(IndexWriter&)>;

  // Takes ownership of `writer`. `max_queue` bounds queued operations;
  // Submit() blocks while the queue is full (backpressure on producers).
  explicit WritePipeline(std::unique_ptr<IndexWriter> writer, size_t max_queue = 4096);
  // Runs every queued operation, then stops the thread. The writer's
  // destructor commits anything still pending (Xapian's close()).
  ~WritePipeline();

  WritePipeline(const WritePipeline&) = delete;
  WritePipeline& operator=(const WritePipeline&) = delete;

  void Submit(Op op);

 private:
  void Loop();

  std::unique_ptr<IndexWriter> writer_;
  const size_t max_queue_;
  absl::Mutex mu_;
  std::deque<Op> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_WRITE_PIPELINE_H_
