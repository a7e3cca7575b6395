// ChildProcess: one external program run by the server (xapian-replicate,
// xapian-replicate-server), started with fork/exec so the child gets a
// clean signal state (the server blocks SIGTERM/SIGINT/SIGHUP in every
// thread for sigwait, and a blocked mask is inherited across exec) and
// dies with the thread that started it (PR_SET_PDEATHSIG), so a killed
// server never leaves a replication process holding its databases. Each
// child leads a process group of its own (xapian-replicate-server's
// SIGTERM handler signals its whole group) and inherits no descriptor but
// stdin, stdout and stderr.
//
// Thread-safety: a ChildProcess is used by one thread at a time.
#ifndef STORYLINE_SERVER_CHILD_PROCESS_H_
#define STORYLINE_SERVER_CHILD_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace storyline::server {

class ChildProcess {
 public:
  // Runs `argv` (argv[0] is looked up on PATH). Fails with kNotFound or
  // kPermissionDenied when the program cannot be executed (the child's
  // exec error is reported back), kResourceExhausted when fork fails.
  static absl::StatusOr<ChildProcess> Start(const std::vector<std::string>& argv);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();  // Stop()s a child still running

  // Waits up to `timeout` for the child to exit; returns its exit code (128
  // + signal when a signal killed it), or nullopt if it is still running.
  std::optional<int> WaitFor(absl::Duration timeout);

  // SIGTERM, then SIGKILL after `grace`; reaps the child. Returns its exit
  // code as WaitFor does (none if it had already been reaped).
  std::optional<int> Stop(absl::Duration grace = absl::Seconds(2));

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  pid_t pid_ = -1;  // -1 once reaped
};

// "a b c": argv joined for logs.
std::string CommandLine(const std::vector<std::string>& argv);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_CHILD_PROCESS_H_
