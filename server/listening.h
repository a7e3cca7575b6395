// How the server takes connections: TCP addresses through our own
// ConnectionListener (it caps open connections), unix sockets through
// gRPC's own listening port.
//
// Thread-safety: call once, at start-up, before the server is built.
#ifndef STORYLINE_SERVER_LISTENING_H_
#define STORYLINE_SERVER_LISTENING_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/connection_listener.h"

namespace storyline::server {

struct ListenOptions {
  // host:port (port 0 picks a free one) or a unix: address.
  std::string listen;
  // Client connections open at once; 0 = DefaultMaxConnections().
  int max_connections = 0;
  // A connection with no call for this long is closed.
  absl::Duration max_connection_idle = absl::Minutes(5);
};

// What Listen() set up. For TCP, `listener` accepts connections and hands
// them to `acceptor` once Start()ed after the server is built; for unix
// sockets both are null and gRPC listens itself.
struct Listening {
  std::unique_ptr<ConnectionListener> listener;
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor;
  // The bound port (0 for a unix socket or, until the server is built, when
  // gRPC could not bind it).
  int port = 0;
};

// Adds the listening port (and connection timeouts) to `builder`. Fails if
// a TCP address cannot be bound (ConnectionListener::Bind).
absl::StatusOr<Listening> Listen(const ListenOptions& options, grpc::ServerBuilder& builder,
                                 const std::shared_ptr<grpc::ServerCredentials>& credentials);

// The open-file limit minus 1024 descriptors kept for the index, its
// readers and the metrics; between 16 and 10000.
int DefaultMaxConnections();

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_LISTENING_H_
