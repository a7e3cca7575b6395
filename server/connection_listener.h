// ConnectionListener owns the server's listening sockets and its accept
// loop, and hands each accepted connection to gRPC (through gRPC's external
// connection acceptor, which runs the same TLS and HTTP/2 handshakes as its
// own listener). gRPC 1.51 has no limit on incoming connections; owning the
// accept loop gives one:
//
//  - at most `max_connections` are open at once; past that a new connection
//    is closed at once (the client sees UNAVAILABLE) and counted, so idle or
//    abandoned connections cannot use up the descriptors the index needs;
//  - running out of descriptors in accept() backs off instead of spinning.
//
// gRPC closes a connection's descriptor itself, so the listener counts open
// connections by the socket inodes it accepted that are still open in this
// process (a scan of /proc/self/fd, done when the count reaches the cap and
// once a second).
//
// Thread-safety: Start() and Stop() from one thread; the counters are
// thread-safe.
#ifndef STORYLINE_SERVER_CONNECTION_LISTENER_H_
#define STORYLINE_SERVER_CONNECTION_LISTENER_H_

#include <grpcpp/server_builder.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace storyline::server {

struct ConnectionListenerOptions {
  // host:port, [v6]:port or :port (all interfaces); port 0 picks one.
  std::string listen;
  // Connections open at once; more are closed on arrival.
  size_t max_connections = 10000;
};

// Connection lifetimes, applied to `builder` as gRPC channel arguments:
// connections with no call for `idle` are closed (GOAWAY), peers that stop
// answering keepalive pings are dropped, handshakes must finish in time, and
// clients may not ping more often than every 10 s without data.
struct ConnectionTimeouts {
  absl::Duration idle = absl::Minutes(5);
  absl::Duration keepalive = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  absl::Duration handshake = absl::Seconds(10);
};
void ApplyConnectionTimeouts(const ConnectionTimeouts& timeouts, grpc::ServerBuilder& builder);

class ConnectionListener {
 public:
  // Binds and listens on every address `options.listen` resolves to.
  // kInvalidArgument for an address it cannot parse or resolve,
  // kUnavailable if it cannot bind (in use, not permitted).
  static absl::StatusOr<std::unique_ptr<ConnectionListener>> Bind(
      ConnectionListenerOptions options);
  ~ConnectionListener();

  ConnectionListener(const ConnectionListener&) = delete;
  ConnectionListener& operator=(const ConnectionListener&) = delete;

  int port() const { return port_; }

  // Starts accepting on a thread of its own, handing connections to
  // `acceptor` (not owned; must outlive Stop()).
  void Start(grpc::experimental::ExternalConnectionAcceptor* acceptor);
  // Stops accepting and closes the listening sockets; open connections are
  // gRPC's (Server::Shutdown closes them). Idempotent.
  void Stop();

  // Connections open now (as of the last scan) and refused so far.
  size_t open_connections() const { return open_.load(); }
  uint64_t refused_connections() const { return refused_.load(); }

 private:
  explicit ConnectionListener(ConnectionListenerOptions options);
  void Loop(grpc::experimental::ExternalConnectionAcceptor* acceptor);
  void Accept(int listener, grpc::experimental::ExternalConnectionAcceptor* acceptor);
  // Drops accepted connections gRPC has since closed.
  void Rescan();

  const ConnectionListenerOptions options_;
  std::vector<int> listeners_;
  int port_ = 0;
  int wake_[2] = {-1, -1};                       // a pipe that interrupts poll() for Stop()
  std::vector<ino_t> accepted_;                  // socket inodes handed to gRPC (loop thread only)
  absl::Time last_scan_ = absl::InfinitePast();  // loop thread only
  std::atomic<size_t> open_{0};
  std::atomic<uint64_t> refused_{0};
  std::thread thread_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_CONNECTION_LISTENER_H_
