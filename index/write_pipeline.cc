#include "index/write_pipeline.h"

#include <pthread.h>

#include <utility>

namespace storyline::index {

WritePipeline::WritePipeline(std::unique_ptr<IndexWriter> writer, size_t max_queue)
    : writer_(std::move(writer)), max_queue_(max_queue), thread_([this] { Loop(); }) {}

WritePipeline::~WritePipeline() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void WritePipeline::Submit(Op op) {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](WritePipeline* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
        return p->queue_.size() < p->max_queue_;
      },
      this));
  queue_.push_back(std::move(op));
}

void WritePipeline::Loop() {
  pthread_setname_np(pthread_self(), "sl-writer");
  for (;;) {
    Op op;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](WritePipeline* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
            return p->stopping_ || !p->queue_.empty();
          },
          this));
      if (queue_.empty()) return;
      op = std::move(queue_.front());
      queue_.pop_front();
    }
    op(*writer_);
  }
}

}  // namespace storyline::index
