// xapian-tcpsrv processes on loopback for the remote-shard tests: one
// shard directory served writable (for the storyline writer) and read-only
// (for its readers), each in its own process group so a test can take the
// whole server, forked connection handlers included, away and back.
#ifndef STORYLINE_TESTS_TESTING_TCPSRV_H_
#define STORYLINE_TESTS_TESTING_TCPSRV_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/loopback_port.h"

namespace storyline::testing {

inline constexpr char kTcpsrvBin[] = "/usr/bin/xapian-tcpsrv";

inline bool AcceptsConnections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// One xapian-tcpsrv on 127.0.0.1 serving `dir`.
class Tcpsrv {
 public:
  Tcpsrv(std::string dir, bool writable) : dir_(std::move(dir)), writable_(writable) {
    port_ = FreeLoopbackPort();
  }
  ~Tcpsrv() { Stop(); }
  Tcpsrv(const Tcpsrv&) = delete;
  Tcpsrv& operator=(const Tcpsrv&) = delete;

  // Starts the server on its port; true once it accepts connections.
  bool Start() {
    const std::string port = std::to_string(port_);
    std::vector<std::string> args = {kTcpsrvBin, "--interface", "127.0.0.1", "--port",
                                     port,       "--timeout",   "0",         "--quiet"};
    if (writable_) args.push_back("--writable");
    args.push_back(dir_);
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      // Its connection reports (the readiness probe's, say) go to a log.
      if (std::freopen((dir_ + ".log").c_str(), "a", stderr) == nullptr) _exit(126);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    setpgid(pid_, pid_);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < give_up) {
      if (AcceptsConnections(port_)) return true;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // Kills the server and every connection it forked.
  void Stop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  int port() const { return port_; }
  std::string endpoint() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  const std::string dir_;
  const bool writable_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A shard directory served writable and read-only (writable first: it
// creates the database the read-only server opens).
struct RemoteShard {
  explicit RemoteShard(const std::string& dir) : writer(dir, true), reader(dir, false) {}
  bool Start() { return writer.Start() && reader.Start(); }
  Tcpsrv writer;
  Tcpsrv reader;
};

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_TESTING_TCPSRV_H_
