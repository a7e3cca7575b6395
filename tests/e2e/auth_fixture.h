// Shared pieces of the token and TLS tests: token files, a generic caller
// that reaches every RPC by name (so tests can enumerate the services from
// their descriptors), and a way to run the server when it should refuse to
// start.
#ifndef STORYLINE_TESTS_E2E_AUTH_FIXTURE_H_
#define STORYLINE_TESTS_E2E_AUTH_FIXTURE_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace storyline::testing {

inline constexpr char kWriteToken[] = "write-7f3a9c2e41b84d0f9e6a5c3b2d1e0f4a";
inline constexpr char kReadToken[] = "read-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";

// Writes `token` plus a newline (as `echo` would) to `dir`/`name`; returns
// the path.
inline std::string WriteTokenFile(const TempDir& dir, const std::string& name,
                                  const std::string& token) {
  const std::string path = dir.Sub(name);
  std::ofstream(path) << token << "\n";
  return path;
}

// "/storyline.v1.StoryService/Search", ... for every method `service` (a
// full name) declares.
inline std::vector<std::string> MethodsOf(const std::string& service) {
  std::vector<std::string> methods;
  const google::protobuf::ServiceDescriptor* desc =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
  if (desc == nullptr) return methods;
  for (int i = 0; i < desc->method_count(); ++i) {
    methods.push_back("/" + service + "/" + desc->method(i)->name());
  }
  return methods;
}

// Calls `method` with the serialized `request` and one `authorization`
// metadata entry per element of `authorization`, through a generic stub.
// A client-streaming method gets `request` as its only message. The reply's
// bytes go to `response` if given.
inline grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& method,
                            const std::vector<std::string>& authorization,
                            const std::string& request = "", std::string* response = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  for (const std::string& value : authorization) ctx.AddMetadata("authorization", value);
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (response != nullptr && status.ok()) {
    std::vector<grpc::Slice> slices;
    if (out.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        response->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  return status;
}

inline std::shared_ptr<grpc::Channel> PlaintextChannel(const std::string& target) {
  return grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
}

struct ExitResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs storyline-server with `args` (shell-quoted), expecting it to exit by
// itself; `timeout` kills it after 30 s should it start serving instead.
inline ExitResult RunServerToExit(const std::string& args) {
  const std::string cmd =
      "timeout 30 " + std::string(STORYLINE_SERVER_BIN) + " --log_level=warn " + args + " 2>&1";
  ExitResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_E2E_AUTH_FIXTURE_H_
