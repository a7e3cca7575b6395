// A trivial in-process gRPC server for `storyline-bench ceiling`: a
// CallbackGenericService that answers every unary call, whatever its
// method, with the bytes of its request. It measures what the RPC layer
// alone costs on this machine with the same client engine.
//
// Thread-safety: start and stop from one thread; calls are served on gRPC's
// callback threads.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_ECHO_SERVER_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_ECHO_SERVER_H_

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace storyline::bench {

class EchoServer {
 public:
  // Listens on 127.0.0.1 at a free port. `threads` > 0 caps gRPC's polling
  // threads (--echo_threads; 0: gRPC's default). kUnavailable if it cannot
  // start.
  static absl::StatusOr<std::unique_ptr<EchoServer>> Start(int threads);
  ~EchoServer();  // shuts the server down

  // "127.0.0.1:PORT".
  const std::string& address() const { return address_; }

 private:
  EchoServer() = default;
  std::unique_ptr<grpc::CallbackGenericService> echo_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_ECHO_SERVER_H_
