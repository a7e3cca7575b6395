// Load for the scale-out integration tests: a thread that makes a fixed
// list of calls in turn until stopped (reads through a client, or batches
// of writes), counting the calls and their errors while the test kills and
// restarts servers underneath.
//
// Thread-safety: the counters may be read from any thread while the loop
// runs; Stop() is called from one thread (the test's).
#ifndef STORYLINE_TESTS_E2E_CALL_LOOP_H_
#define STORYLINE_TESTS_E2E_CALL_LOOP_H_

#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace storyline::testing {

class CallLoop {
 public:
  // One call: its status, or an error of its own for an OK answer it
  // finds wrong (e.g. a search missing results).
  using Call = std::function<absl::Status()>;

  // Starts the thread; `calls` must stay callable until Stop().
  explicit CallLoop(std::vector<Call> calls)
      : calls_(std::move(calls)), thread_([this] { Run(); }) {}
  ~CallLoop() { Stop(); }
  CallLoop(const CallLoop&) = delete;
  CallLoop& operator=(const CallLoop&) = delete;

  // Returns once the call under way has finished.
  void Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

  int calls() const { return calls_made_.load(); }
  int errors() const { return errors_.load(); }
  // Calls that answered OK (read calls first: errors_ counts first).
  int successes() const {
    const int calls = calls_made_.load();
    return calls - errors_.load();
  }
  std::string first_error() {
    absl::MutexLock lock(&mu_);
    return distinct_errors_.empty() ? "" : first_error_;
  }
  // Each different error (its ToString()), the first kMaxDistinct of them.
  std::set<std::string> distinct_errors() {
    absl::MutexLock lock(&mu_);
    return distinct_errors_;
  }

  static constexpr size_t kMaxDistinct = 20;

 private:
  void Run() {
    while (!stop_.load()) {
      for (const Call& call : calls_) Count(call());
    }
  }
  void Count(const absl::Status& status) {
    if (!status.ok()) errors_.fetch_add(1);
    calls_made_.fetch_add(1);  // after errors_, so successes() is never too high
    if (status.ok()) return;
    absl::MutexLock lock(&mu_);
    if (distinct_errors_.empty()) first_error_ = status.ToString();
    if (distinct_errors_.size() < kMaxDistinct) distinct_errors_.insert(status.ToString());
  }

  const std::vector<Call> calls_;
  std::atomic<bool> stop_{false};
  std::atomic<int> calls_made_{0}, errors_{0};
  absl::Mutex mu_;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> distinct_errors_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_E2E_CALL_LOOP_H_
