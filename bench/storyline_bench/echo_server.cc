#include "bench/storyline_bench/echo_server.h"

#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/str_cat.h"

namespace storyline::bench {

namespace {

// Reads the one request message and writes it back, then finishes OK.
class EchoReactor : public grpc::ServerGenericBidiReactor {
 public:
  EchoReactor() { StartRead(&buffer_); }
  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status::OK);
    StartWriteAndFinish(&buffer_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer buffer_;
};

class EchoService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new EchoReactor;
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<EchoServer>> EchoServer::Start(int threads) {
  std::unique_ptr<EchoServer> echo(new EchoServer);
  echo->echo_ = std::make_unique<EchoService>();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(echo->echo_.get());
  if (threads > 0) {
    grpc::ResourceQuota quota("storyline-bench-echo");
    quota.SetMaxThreads(threads);
    builder.SetResourceQuota(quota);
  }
  echo->server_ = builder.BuildAndStart();
  if (echo->server_ == nullptr || port == 0) {
    return absl::UnavailableError("the echo server could not listen on 127.0.0.1");
  }
  echo->address_ = absl::StrCat("127.0.0.1:", port);
  return echo;
}

EchoServer::~EchoServer() {
  if (server_) server_->Shutdown();
}

}  // namespace storyline::bench
