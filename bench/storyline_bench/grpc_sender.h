// storyline-bench's Sender over gRPC: each prepared request goes out as raw
// bytes through grpc::GenericStub's callback API, so no serialization is
// timed and no client thread blocks on a call. Calls are spread round-robin
// over `channels` channels, each created with a distinct channel argument
// so that gRPC gives each its own subchannel (its own TCP connection).
//
// Thread-safety: Send is thread-safe.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_GRPC_SENDER_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_GRPC_SENDER_H_

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/storyline_bench/load_engine.h"

namespace storyline::bench {

struct SenderOptions {
  std::string target = "localhost:50051";
  int channels = 1;
  // Insecure (plaintext) when null.
  std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr;
  // Sent as "authorization: Bearer <token>" when non-empty.
  std::string token = "";
  absl::Duration deadline = absl::Seconds(30);  // per call
  // Send every request to this method path instead of its own (the echo
  // ceiling sends Search bytes to any path); empty: the request's own.
  std::string path_override = "";
};

class GrpcSender : public Sender {
 public:
  explicit GrpcSender(SenderOptions options);
  void Send(const PreparedRequest& request, std::function<void(const CallOutcome&)> done) override;

 private:
  SenderOptions options_;
  std::string authorization_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_GRPC_SENDER_H_
