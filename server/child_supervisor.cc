#include "server/child_supervisor.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/time/clock.h"
#include "server/child_process.h"

namespace storyline::server {

ChildSupervisor::ChildSupervisor(ChildSupervisorOptions options) : options_(std::move(options)) {
  thread_ = std::thread([this] { Loop(); });
}

ChildSupervisor::~ChildSupervisor() {
  stop_.Notify();
  thread_.join();
}

absl::Duration ChildSupervisor::RunOnce() {
  const std::string command = CommandLine(options_.argv);
  absl::StatusOr<ChildProcess> child = ChildProcess::Start(options_.argv);
  if (!child.ok()) {
    spdlog::error("{}: {}", command, child.status().ToString());
    return absl::ZeroDuration();
  }
  const absl::Time started = absl::Now();
  const int pid = child->pid();
  pid_.store(pid);
  spdlog::info("started {} (pid {})", command, pid);
  std::optional<int> code;
  // Checks for exit a few times a second; stop_ ends the wait at once.
  while (!(code = child->WaitFor(absl::ZeroDuration())) &&
         !stop_.WaitForNotificationWithTimeout(absl::Milliseconds(200))) {
  }
  pid_.store(0);
  if (!code) {
    child->Stop();
    spdlog::info("stopped {}", command);
  } else {
    spdlog::warn("{} (pid {}) exited with code {} after {}", command, pid, *code,
                 absl::FormatDuration(absl::Now() - started));
  }
  return absl::Now() - started;
}

void ChildSupervisor::Loop() {
  pthread_setname_np(pthread_self(), "sl-child");
  absl::Duration backoff = options_.min_backoff;
  for (;;) {
    const absl::Duration ran = RunOnce();
    if (stop_.HasBeenNotified()) return;
    if (ran >= options_.healthy_after) backoff = options_.min_backoff;
    spdlog::warn("restarting {} in {}", options_.argv.front(), absl::FormatDuration(backoff));
    if (stop_.WaitForNotificationWithTimeout(backoff)) return;
    restarts_.fetch_add(1);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace storyline::server
