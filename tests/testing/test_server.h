// Starts the real storyline-server binary on a free loopback port with a
// fresh index, for integration tests. The server binds port 0 and writes
// the port it got to a file, so there is no port race.
#ifndef STORYLINE_TESTS_TESTING_TEST_SERVER_H_
#define STORYLINE_TESTS_TESTING_TEST_SERVER_H_

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace storyline::testing {

class TestServer {
 public:
  // Starts `STORYLINE_SERVER_BIN` (a compile definition) with `extra_args`.
  // With `capture_log`, the server's stdout and stderr go to log_path()
  // instead of the test's. Check ok() afterwards.
  explicit TestServer(std::vector<std::string> extra_args = {}, bool capture_log = false) {
    const std::string port_file = dir_.Sub("port");
    std::vector<std::string> args = {STORYLINE_SERVER_BIN, "--index_dir=" + dir_.Sub("index"),
                                     "--listen=127.0.0.1:0", "--port_file=" + port_file,
                                     "--log_level=warn",
                                     // A loaded test machine would starve a SCHED_IDLE build,
                                     // and suites wait for the model.
                                     "--semantic_idle_priority=false"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = fork();
    if (pid_ == 0) {
      // spdlog's default logger writes to stdout.
      if (capture_log && (std::freopen(log_path().c_str(), "w", stdout) == nullptr ||
                          dup2(fileno(stdout), fileno(stderr)) < 0)) {
        _exit(126);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < give_up) {
      std::ifstream in(port_file);
      if (in >> port_ && port_ > 0) break;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {  // died during start-up
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  ~TestServer() { Stop(); }

  // Sends SIGTERM and waits; returns the exit status (-1 if not running).
  int Stop() {
    Signal(SIGTERM);
    return Wait();
  }

  // Sends `sig` without waiting (to test what the server does meanwhile).
  void Signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
  }

  // Waits for the server to exit; returns its exit status (-1 if not
  // running).
  int Wait() {
    if (pid_ <= 0) return -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // Kills the server with SIGKILL (no shutdown at all) and reaps it.
  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  bool ok() const { return pid_ > 0 && port_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const TempDir& dir() const { return dir_; }
  std::string log_path() const { return dir_.Sub("server.log"); }
  // The captured log so far (empty without capture_log).
  std::string log() const {
    std::ifstream in(log_path());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_TESTING_TEST_SERVER_H_
