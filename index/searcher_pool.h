// SearcherPool runs read jobs on a fixed set of worker threads. Each worker
// opens its own Searcher on its own thread (Xapian objects are not
// thread-safe) and hands it to every job it runs.
//
// Thread-safety: Submit() is thread-safe. Jobs on the same worker run one
// after another; jobs on different workers run concurrently.
#ifndef STORYLINE_INDEX_SEARCHER_POOL_H_
#define STORYLINE_INDEX_SEARCHER_POOL_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "index/searcher.h"

namespace storyline::index {

struct SearcherPoolOptions {
  // Index directory every worker opens.
  std::string index_dir;
  // Worker threads. Default: one per core. More threads only help while
  // some are blocked on disk.
  int threads = 0;
  // Jobs that may wait for a worker; Submit() refuses beyond this so an
  // overloaded server sheds load (RESOURCE_EXHAUSTED) instead of queueing
  // work whose deadline will pass anyway.
  size_t max_queue = 1024;
  // Latent space for SimilarStories (optional; must outlive the pool).
  const SemanticSpace* semantic = nullptr;
  RankingOptions ranking = {};
  // Query synonyms (optional; must outlive the pool).
  const SynonymSet* synonyms = nullptr;
};

class SearcherPool {
 public:
  // A job gets the worker's Searcher, or the error that kept the worker
  // from opening one.
  using Job = std::function<void(absl::StatusOr<Searcher*>)>;

  // Starts the workers. Each opens its Searcher lazily on first use, so the
  // pool can start before the index exists.
  explicit SearcherPool(SearcherPoolOptions options);
  // Runs the jobs still queued, then joins the workers.
  ~SearcherPool();

  SearcherPool(const SearcherPool&) = delete;
  SearcherPool& operator=(const SearcherPool&) = delete;

  // Queues `job`. Returns kResourceExhausted (and drops the job) if the
  // queue is full, kUnavailable if the pool is shutting down.
  absl::Status Submit(Job job);

  // Runs `job` now, on the calling thread, with that thread's own Searcher
  // (opened on first use and kept for the thread's life). For callers that
  // prefer to skip the hand-off to a worker (see --inline_reads).
  void RunInline(const Job& job);

  int threads() const { return static_cast<int>(workers_.size()); }

 private:
  void WorkerLoop();
  // Runs `job` with `searcher`, opening it first if needed.
  void RunWith(std::unique_ptr<Searcher>& searcher, const Job& job) const;

  const SearcherPoolOptions options_;
  absl::Mutex mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SEARCHER_POOL_H_
