#include "server/connection_listener.h"

#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace storyline::server {
namespace {

// Splits "host:port", "[v6]:port" or ":port".
absl::Status SplitHostPort(const std::string& listen, std::string* host, std::string* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen=", listen, ": expected HOST:PORT, [IPV6]:PORT or :PORT"));
  }
  *host = listen.substr(0, colon);
  *port = listen.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  int number = 0;
  if (!absl::SimpleAtoi(*port, &number) || number < 0 || number > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--listen=", listen, ": bad port"));
  }
  return absl::OkStatus();
}

// A listening socket on `ai` at `port` (0: any), or -1 with errno set.
int ListenOn(const addrinfo& ai, int port) {
  const int fd = socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (ai.ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  sockaddr_storage addr{};
  std::memcpy(&addr, ai.ai_addr, ai.ai_addrlen);
  const auto p = htons(static_cast<uint16_t>(port));
  if (ai.ai_family == AF_INET) reinterpret_cast<sockaddr_in*>(&addr)->sin_port = p;
  if (ai.ai_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = p;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), ai.ai_addrlen) != 0 ||
      listen(fd, SOMAXCONN) != 0) {
    const int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
}

ino_t SocketInode(int fd) {
  struct stat st {};
  return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) ? st.st_ino : 0;
}

}  // namespace

void ApplyConnectionTimeouts(const ConnectionTimeouts& t, grpc::ServerBuilder& builder) {
  auto ms = [](absl::Duration d) {
    return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(d), INT32_MAX));
  };
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, ms(t.idle));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(t.keepalive));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(t.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, ms(t.handshake));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
}

ConnectionListener::ConnectionListener(ConnectionListenerOptions options)
    : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<ConnectionListener>> ConnectionListener::Bind(
    ConnectionListenerOptions options) {
  std::string host, port;
  if (absl::Status s = SplitHostPort(options.listen, &host, &port); !s.ok()) return s;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int rc =
          getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
      rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen=", options.listen, ": ", gai_strerror(rc)));
  }
  std::unique_ptr<ConnectionListener> l(new ConnectionListener(std::move(options)));
  int bound = std::stoi(port);
  int last_error = 0;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    const int fd = ListenOn(*ai, bound);
    if (fd < 0) {  // e.g. ::1 on a host without IPv6: the other addresses serve
      last_error = errno;
      continue;
    }
    if (bound == 0) bound = BoundPort(fd);  // every address gets the same port
    l->listeners_.push_back(fd);
  }
  freeaddrinfo(found);
  if (l->listeners_.empty()) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", l->options_.listen, ": ", std::strerror(last_error)));
  }
  l->port_ = bound;
  if (pipe2(l->wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::UnavailableError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  return l;
}

ConnectionListener::~ConnectionListener() {
  Stop();
  for (const int fd : wake_) {
    if (fd >= 0) close(fd);
  }
}

void ConnectionListener::Start(grpc::experimental::ExternalConnectionAcceptor* acceptor) {
  thread_ = std::thread([this, acceptor] { Loop(acceptor); });
}

void ConnectionListener::Stop() {
  if (thread_.joinable()) {
    const char byte = 0;
    (void)!write(wake_[1], &byte, 1);
    thread_.join();
  }
  for (const int fd : listeners_) close(fd);
  listeners_.clear();
}

void ConnectionListener::Loop(grpc::experimental::ExternalConnectionAcceptor* acceptor) {
  pthread_setname_np(pthread_self(), "sl-accept");
  std::vector<pollfd> fds;
  for (const int fd : listeners_) fds.push_back({.fd = fd, .events = POLLIN, .revents = 0});
  fds.push_back({.fd = wake_[0], .events = POLLIN, .revents = 0});
  absl::Time next_scan = absl::Now();
  for (;;) {
    if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
    if (fds.back().revents != 0) return;  // Stop()
    for (size_t i = 0; i + 1 < fds.size(); ++i) {
      if (fds[i].revents & POLLIN) Accept(fds[i].fd, acceptor);
    }
    if (absl::Now() >= next_scan) {
      Rescan();
      next_scan = absl::Now() + absl::Seconds(1);
    }
  }
}

void ConnectionListener::Accept(int listener,
                                grpc::experimental::ExternalConnectionAcceptor* acceptor) {
  for (;;) {
    const int fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        spdlog::error("accept: out of file descriptors with {} connections open; backing off",
                      open_.load());
        absl::SleepFor(absl::Milliseconds(100));
      }
      return;  // EAGAIN: accepted everything pending
    }
    // At the cap, look again for closed connections, but at most every
    // 100 ms: a flood of connections must not keep this thread scanning.
    if (accepted_.size() >= options_.max_connections &&
        absl::Now() - last_scan_ >= absl::Milliseconds(100)) {
      Rescan();
    }
    if (accepted_.size() >= options_.max_connections) {
      close(fd);
      if (refused_.fetch_add(1) % 1000 == 0) {
        spdlog::warn(
            "connection refused: {} connections open (--max_connections); {} refused "
            "so far",
            accepted_.size(), refused_.load());
      }
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    accepted_.push_back(SocketInode(fd));
    open_ = accepted_.size();
    grpc::experimental::ExternalConnectionAcceptor::NewConnectionParameters params;
    params.listener_fd = listener;
    params.fd = fd;
    acceptor->HandleNewConnection(&params);
  }
}

void ConnectionListener::Rescan() {
  absl::flat_hash_set<ino_t> open;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (const dirent* e = readdir(dir)) {
      int fd = 0;
      if (!absl::SimpleAtoi(e->d_name, &fd)) continue;
      if (const ino_t ino = SocketInode(fd); ino != 0) open.insert(ino);
    }
    closedir(dir);
  } else {
    return;  // out of descriptors: keep the old count
  }
  last_scan_ = absl::Now();
  std::erase_if(accepted_, [&](ino_t ino) { return !open.contains(ino); });
  open_ = accepted_.size();
}

}  // namespace storyline::server
