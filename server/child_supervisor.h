// ChildSupervisor keeps one long-running external program alive (the
// writer's xapian-replicate-server): it starts it, and when it exits
// (crash, kill, a port it could not bind) logs a warning with the exit code
// and starts it again after a backoff that doubles from `min_backoff` to
// `max_backoff`, back to the minimum once a run lasted `healthy_after`.
// Destroying the supervisor stops the child (SIGTERM, then SIGKILL) and
// joins its thread.
//
// Thread-safety: owns one thread ("sl-child"); construct and destroy from
// one thread; restarts() may be called from any thread.
#ifndef STORYLINE_SERVER_CHILD_SUPERVISOR_H_
#define STORYLINE_SERVER_CHILD_SUPERVISOR_H_

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace storyline::server {

struct ChildSupervisorOptions {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH
  absl::Duration min_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
  absl::Duration healthy_after = absl::Seconds(30);
};

class ChildSupervisor {
 public:
  // Starts the first run at once, on its own thread.
  explicit ChildSupervisor(ChildSupervisorOptions options);
  ~ChildSupervisor();

  ChildSupervisor(const ChildSupervisor&) = delete;
  ChildSupervisor& operator=(const ChildSupervisor&) = delete;

  // How many times the child was started again after it exited or could
  // not be started.
  int restarts() const { return restarts_.load(); }
  // The running child's pid, or 0 between runs.
  int pid() const { return pid_.load(); }

 private:
  void Loop();
  // One run: starts the child and waits until it exits or stop_ fires.
  // Returns how long it ran (zero when it could not start).
  absl::Duration RunOnce();

  const ChildSupervisorOptions options_;
  absl::Notification stop_;
  std::atomic<int> restarts_{0};
  std::atomic<int> pid_{0};
  std::thread thread_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_CHILD_SUPERVISOR_H_
