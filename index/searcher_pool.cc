#include "index/searcher_pool.h"

#include <pthread.h>

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/usable_cores.h"

namespace storyline::index {

SearcherPool::SearcherPool(SearcherPoolOptions options) : options_(std::move(options)) {
  const int n = UsableCores(options_.threads);
  workers_.reserve(n);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

SearcherPool::~SearcherPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
}

absl::Status SearcherPool::Submit(Job job) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("server is shutting down");
  if (queue_.size() >= options_.max_queue) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "server is overloaded: ", queue_.size(), " requests already waiting; retry with backoff"));
  }
  queue_.push_back(std::move(job));
  return absl::OkStatus();
}

void SearcherPool::RunInline(const Job& job) {
  // One Searcher per (thread, pool); the pool outlives the threads that
  // serve it, so the key stays valid while it is used.
  thread_local absl::flat_hash_map<const SearcherPool*, std::unique_ptr<Searcher>> searchers;
  RunWith(searchers[this], job);
}

void SearcherPool::RunWith(std::unique_ptr<Searcher>& searcher, const Job& job) const {
  if (searcher == nullptr) {
    auto opened =
        Searcher::Open(options_.index_dir, options_.semantic, options_.ranking, options_.synonyms);
    if (!opened.ok()) {
      job(opened.status());  // retried on the next job, once the index exists
      return;
    }
    searcher = std::move(opened).value();
  }
  job(searcher.get());
}

void SearcherPool::WorkerLoop() {
  pthread_setname_np(pthread_self(), "sl-search");
  std::unique_ptr<Searcher> searcher;
  for (;;) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SearcherPool* p)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->stopping_ || !p->queue_.empty(); },
          this));
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    RunWith(searcher, job);
  }
}

}  // namespace storyline::index
