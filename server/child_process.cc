#include "server/child_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace storyline::server {
namespace {

// In the forked child, before exec: only async-signal-safe calls. Closes
// every descriptor but stdio and `keep` (the exec-error pipe, close-on-exec),
// so the child holds none of the server's sockets or database files.
void CloseInheritedFds(int keep) {
  if (keep > 3) syscall(SYS_close_range, 3U, static_cast<unsigned>(keep - 1), 0U);
  syscall(SYS_close_range, static_cast<unsigned>(keep + 1), ~0U, 0U);
}

[[noreturn]] void ExecChild(char* const* argv, pid_t parent, int error_fd) {
  // The child dies with the thread that started it, and never outlives a
  // server killed between fork and this line.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(127);
  // A group of its own: xapian-replicate-server's SIGTERM handler signals
  // its whole process group, which must not be the server's (or a shell's).
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGXFSZ, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  CloseInheritedFds(error_fd);
  execvp(argv[0], argv);
  const int err = errno;
  (void)!write(error_fd, &err, sizeof(err));
  _exit(127);
}

int ExitCode(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

absl::Status ExecError(int err, const std::vector<std::string>& argv) {
  const std::string message = absl::StrCat("cannot run ", argv[0], ": ", std::strerror(err));
  if (err == ENOENT) {
    return absl::NotFoundError(absl::StrCat(message, " (is it installed and on PATH?)"));
  }
  if (err == EACCES) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

}  // namespace

std::string CommandLine(const std::vector<std::string>& argv) { return absl::StrJoin(argv, " "); }

absl::StatusOr<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv) {
  if (argv.empty()) return absl::InvalidArgumentError("no program to run");
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);
  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) {
    return absl::ResourceExhaustedError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) ExecChild(c_argv.data(), parent, error_pipe[1]);
  close(error_pipe[1]);
  if (pid < 0) {
    close(error_pipe[0]);
    return absl::ResourceExhaustedError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  // Closed on a successful exec (nothing read), or carries exec's errno.
  int err = 0;
  ssize_t got;
  do {
    got = read(error_pipe[0], &err, sizeof(err));
  } while (got < 0 && errno == EINTR);
  close(error_pipe[0]);
  ChildProcess child(pid);
  if (got == static_cast<ssize_t>(sizeof(err))) {
    child.WaitFor(absl::InfiniteDuration());
    return ExecError(err, argv);
  }
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Stop();
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

ChildProcess::~ChildProcess() { Stop(); }

std::optional<int> ChildProcess::WaitFor(absl::Duration timeout) {
  if (pid_ <= 0) return std::nullopt;
  const absl::Time give_up = absl::Now() + timeout;
  for (;;) {
    int wait_status = 0;
    const pid_t done = waitpid(pid_, &wait_status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return ExitCode(wait_status);
    }
    if (done < 0 && errno == ECHILD) {  // reaped elsewhere: nothing to report
      pid_ = -1;
      return -1;
    }
    if (absl::Now() >= give_up) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

std::optional<int> ChildProcess::Stop(absl::Duration grace) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, SIGTERM);
  if (std::optional<int> code = WaitFor(grace)) return code;
  kill(pid_, SIGKILL);
  return WaitFor(absl::InfiniteDuration());
}

}  // namespace storyline::server
