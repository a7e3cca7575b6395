#include "bench/storyline_bench/grpc_sender.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "storyline/channel.h"

namespace storyline::bench {

namespace {

// One call's state, alive until its callback has run.
struct Call {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
};

// The trailing `retry-after-ms` a refused call carries, if any.
std::optional<absl::Duration> RetryAfter(const grpc::ClientContext& context) {
  const auto& trailing = context.GetServerTrailingMetadata();
  auto it = trailing.find("retry-after-ms");
  int64_t ms = 0;
  if (it == trailing.end() ||
      !absl::SimpleAtoi(absl::string_view(it->second.data(), it->second.size()), &ms) || ms < 0) {
    return std::nullopt;
  }
  return absl::Milliseconds(ms);
}

}  // namespace

GrpcSender::GrpcSender(SenderOptions options) : options_(std::move(options)) {
  if (!options_.token.empty()) authorization_ = absl::StrCat("Bearer ", options_.token);
  std::shared_ptr<grpc::ChannelCredentials> creds =
      options_.credentials ? options_.credentials : grpc::InsecureChannelCredentials();
  // Several servers (or a dns:/// name): round robin with read retries,
  // as storyline::Client does; a bad list was refused by the flag check.
  absl::StatusOr<ChannelPlan> plan = PlanChannel(options_.target);
  if (!plan.ok()) plan = ChannelPlan{options_.target, ""};
  for (int i = 0; i < std::max(1, options_.channels); ++i) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    if (!plan->service_config.empty()) args.SetServiceConfigJSON(plan->service_config);
    // Channels with equal arguments share a subchannel (one connection);
    // a distinct argument gives each channel its own.
    args.SetInt("storyline.bench.channel_index", i);
    channels_.push_back(grpc::CreateCustomChannel(plan->target, creds, args));
    stubs_.push_back(std::make_unique<grpc::GenericStub>(channels_.back()));
  }
}

void GrpcSender::Send(const PreparedRequest& request,
                      std::function<void(const CallOutcome&)> done) {
  auto* call = new Call;
  call->request = request.payload;  // shares the slices; no copy of the bytes
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  if (!authorization_.empty()) call->context.AddMetadata("authorization", authorization_);
  const std::string& path =
      options_.path_override.empty() ? MethodPath(request.method) : options_.path_override;
  grpc::GenericStub& stub = *stubs_[next_.fetch_add(1) % stubs_.size()];
  stub.UnaryCall(&call->context, path, grpc::StubOptions(), &call->request, &call->response,
                 [call, done = std::move(done)](const grpc::Status& status) {
                   CallOutcome out{.code = status.error_code()};
                   if (!status.ok()) out.retry_after = RetryAfter(call->context);
                   delete call;
                   done(out);
                 });
}

}  // namespace storyline::bench
