// Observes every RPC the server answers, as a gRPC server interceptor, so
// the services stay free of logging and metrics code:
//
//  - request id: the client's `x-request-id` metadata (printable ASCII, at
//    most 128 bytes), or a random 128-bit hex id, returned to the client as
//    the initial metadata `x-request-id`;
//  - one log line per call with method, status code, latency, peer and
//    request id (plus article counts and revision for ingest and delete).
//    Storyline calls log at info in the JSON format (--log_format=json);
//    in the text format reads log at debug and writes at info. Health and
//    reflection calls log at debug. A unary Storyline call at least
//    `slow_query` slow logs at warn instead, with a summary of its request;
//  - metrics: calls by method and code, latency, calls in flight, ingest
//    and delete counts (server/metrics.h).
//
// Thread-safety: the factory is immutable; each interceptor belongs to one
// call, and gRPC runs its hooks one batch at a time.
#ifndef STORYLINE_SERVER_RPC_OBSERVER_H_
#define STORYLINE_SERVER_RPC_OBSERVER_H_

#include <grpcpp/support/server_interceptor.h>

#include "absl/time/time.h"
#include "server/json_log.h"
#include "server/metrics.h"

namespace storyline::server {

struct RpcObserverOptions {
  LogFormat log_format = LogFormat::kText;
  // Calls at least this slow log at warn with their request (--slow_query_ms);
  // InfiniteDuration() never.
  absl::Duration slow_query = absl::Seconds(1);
  // Where calls are counted; null, the default: nowhere. Not owned; must
  // outlive the server.
  Metrics* metrics = nullptr;
};

class RpcObserverFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcObserverFactory(RpcObserverOptions options) : options_(options) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const RpcObserverOptions options_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_RPC_OBSERVER_H_
