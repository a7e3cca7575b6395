#include "server/listening.h"

#include <sys/resource.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"

namespace storyline::server {
namespace {

constexpr rlim_t kFdReserve = 1024;

}  // namespace

int DefaultMaxConnections() {
  // Leave the index, its readers and the metrics at least kFdReserve.
  struct rlimit nofile {};
  getrlimit(RLIMIT_NOFILE, &nofile);
  return static_cast<int>(std::clamp<rlim_t>(
      nofile.rlim_cur > kFdReserve ? nofile.rlim_cur - kFdReserve : 16, 16, 10000));
}

absl::StatusOr<Listening> Listen(const ListenOptions& options, grpc::ServerBuilder& builder,
                                 const std::shared_ptr<grpc::ServerCredentials>& credentials) {
  ApplyConnectionTimeouts({.idle = options.max_connection_idle}, builder);
  Listening out;
  if (absl::StartsWith(options.listen, "unix")) {
    builder.AddListeningPort(options.listen, credentials, &out.port);
    return out;
  }
  const int max_connections =
      options.max_connections > 0 ? options.max_connections : DefaultMaxConnections();
  absl::StatusOr<std::unique_ptr<ConnectionListener>> listener = ConnectionListener::Bind(
      {.listen = options.listen, .max_connections = static_cast<size_t>(max_connections)});
  if (!listener.ok()) return listener.status();
  out.listener = *std::move(listener);
  out.port = out.listener->port();
  out.acceptor = builder.experimental().AddExternalConnectionAcceptor(
      grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD, credentials);
  return out;
}

}  // namespace storyline::server
