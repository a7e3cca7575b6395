#include "server/rpc_observer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/raw_codec.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr absl::string_view kOurPrefix = "/storyline.v1.";
constexpr size_t kMaxRequestIdBytes = 128;
constexpr size_t kMaxSummaryBytes = 1024;
constexpr size_t kMaxMessageBytes = 512;

std::string RandomRequestId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen));
}

bool UsableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

// At most `max` bytes of `text`, cut at a UTF-8 character boundary.
std::string Clip(absl::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(text.substr(0, cut), "...");
}

// The request as one line of protobuf text, for slow-call logs. `method`
// is the gRPC path, "/storyline.v1.StoryService/Search".
std::string SummarizeRequest(absl::string_view method, const grpc::ByteBuffer& request) {
  std::string full(method.substr(1));
  std::replace(full.begin(), full.end(), '/', '.');
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full);
  if (descriptor == nullptr) return "";
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor->input_type());
  if (prototype == nullptr) return "";
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  if (!ParseMessage(request, message.get()).ok()) return "(unparseable request)";
  return Clip(message->ShortDebugString(), kMaxSummaryBytes);
}

class RpcObserver final : public grpc::experimental::Interceptor {
 public:
  RpcObserver(grpc::experimental::ServerRpcInfo* info, const RpcObserverOptions& options)
      : options_(options),
        ctx_(info->server_context()),
        path_(info->method() != nullptr ? info->method() : "/unknown"),
        ours_(absl::StartsWith(path_, kOurPrefix)),
        unary_(info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY),
        start_(absl::Now()) {
    method_ = ours_ ? path_.substr(path_.rfind('/') + 1) : path_.substr(1);
    write_ =
        method_ == "IndexArticles" || method_ == "IngestArticles" || method_ == "DeleteArticles";
    if (options_.metrics != nullptr) options_.metrics->CallStarted(method_);
  }

  // Only std::bad_alloc can escape Finish, and terminating then is right.
  // NOLINTNEXTLINE(bugprone-exception-escape)
  ~RpcObserver() override {
    if (!finished_) Finish(grpc::Status(grpc::StatusCode::CANCELLED, "call ended early"), {});
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    if (batch->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      TakeRequestId(*batch->GetRecvInitialMetadata());
    }
    if (batch->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      OnRequestMessage(batch->GetRecvMessage());
    }
    if (batch->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      batch->GetSendInitialMetadata()->emplace("x-request-id", RequestId());
    }
    if (write_ && batch->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      if (grpc::ByteBuffer* reply = batch->GetSerializedSendMessage()) reply_ = *reply;
    }
    if (batch->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      std::optional<std::string> retry;
      const auto* trailing = batch->GetSendTrailingMetadata();
      if (auto it = trailing->find("retry-after-ms"); it != trailing->end()) retry = it->second;
      Finish(batch->GetSendStatus(), retry);
    }
    batch->Proceed();
  }

 private:
  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = RandomRequestId();
    return request_id_;
  }

  void TakeRequestId(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
    auto it = metadata.find("x-request-id");
    if (it == metadata.end()) return;
    const absl::string_view id(it->second.data(), it->second.size());
    if (UsableRequestId(id)) request_id_ = std::string(id);
  }

  // Storyline's services are raw (ByteBuffer) methods (story_service.h,
  // ingest_service.h), so a received message is a ByteBuffer.
  void OnRequestMessage(void* message) {
    if (!ours_ || message == nullptr) return;
    ++messages_;
    if (unary_) {
      request_ = *static_cast<grpc::ByteBuffer*>(message);
    } else if ((method_ == "IndexArticles" || method_ == "IngestArticles") &&
               options_.metrics != nullptr) {
      options_.metrics->ArticlesReceived(1);
    }
  }

  void Finish(const grpc::Status& status, const std::optional<std::string>& retry_after_ms);
  void AddReplyFields(nlohmann::ordered_json* fields, std::string* text) const;
  void Log(const grpc::Status& status, const std::optional<std::string>& retry_after_ms,
           absl::Duration latency);

  const RpcObserverOptions& options_;
  grpc::ServerContextBase* const ctx_;
  const std::string path_;
  const bool ours_;
  const bool unary_;
  const absl::Time start_;
  std::string method_;
  bool write_ = false;
  bool finished_ = false;
  std::string request_id_;
  int64_t messages_ = 0;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer reply_;
};

void RpcObserver::Finish(const grpc::Status& status,
                         const std::optional<std::string>& retry_after_ms) {
  finished_ = true;
  const absl::Duration latency = absl::Now() - start_;
  const std::string code =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
  if (options_.metrics != nullptr) {
    options_.metrics->CallFinished(method_, code, latency);
    if (status.ok() && method_ == "IndexArticles") {
      v1::IndexArticlesResponse reply;
      if (ParseMessage(reply_, &reply).ok()) {
        options_.metrics->IngestCommitted(reply.indexed_count(), reply.updated_count(),
                                          reply.errors_size() + reply.omitted_error_count());
      }
    } else if (status.ok() && method_ == "IngestArticles") {
      v1::IngestProgress last;  // the final message: cumulative counts
      if (ParseMessage(reply_, &last).ok()) {
        options_.metrics->IngestCommitted(last.indexed_count(), last.updated_count(),
                                          last.rejected_count());
      }
    } else if (status.ok() && method_ == "DeleteArticles") {
      v1::DeleteArticlesResponse reply;
      if (ParseMessage(reply_, &reply).ok())
        options_.metrics->ArticlesDeleted(reply.deleted_count());
    }
  }
  Log(status, retry_after_ms, latency);
}

// Ingest and delete replies: article counts and revision.
void RpcObserver::AddReplyFields(nlohmann::ordered_json* fields, std::string* text) const {
  if (method_ == "IndexArticles") {
    (*fields)["articles"] = messages_;
    absl::StrAppend(text, " articles=", messages_);
    v1::IndexArticlesResponse reply;
    if (reply_.Length() == 0 || !ParseMessage(reply_, &reply).ok()) return;
    const int64_t rejected = reply.errors_size() + reply.omitted_error_count();
    (*fields)["indexed"] = reply.indexed_count();
    (*fields)["updated"] = reply.updated_count();
    (*fields)["rejected"] = rejected;
    (*fields)["revision"] = reply.revision();
    absl::StrAppend(text, " indexed=", reply.indexed_count(), " updated=", reply.updated_count(),
                    " rejected=", rejected, " revision=", reply.revision());
  } else if (method_ == "IngestArticles") {
    (*fields)["articles"] = messages_;
    absl::StrAppend(text, " articles=", messages_);
    v1::IngestProgress last;
    if (reply_.Length() == 0 || !ParseMessage(reply_, &last).ok()) return;
    (*fields)["indexed"] = last.indexed_count();
    (*fields)["updated"] = last.updated_count();
    (*fields)["rejected"] = last.rejected_count();
    (*fields)["committed_through"] = last.committed_through();
    (*fields)["revision"] = last.revision();
    absl::StrAppend(text, " indexed=", last.indexed_count(), " updated=", last.updated_count(),
                    " rejected=", last.rejected_count(),
                    " committed_through=", last.committed_through(), " revision=", last.revision());
  } else if (method_ == "DeleteArticles") {
    v1::DeleteArticlesResponse reply;
    if (reply_.Length() == 0 || !ParseMessage(reply_, &reply).ok()) return;
    (*fields)["deleted"] = reply.deleted_count();
    (*fields)["not_found"] = reply.not_found_ids_size();
    (*fields)["revision"] = reply.revision();
    absl::StrAppend(text, " deleted=", reply.deleted_count(),
                    " not_found=", reply.not_found_ids_size(), " revision=", reply.revision());
  }
}

void RpcObserver::Log(const grpc::Status& status, const std::optional<std::string>& retry_after_ms,
                      absl::Duration latency) {
  // Streams (ingest) are long by nature; the slow log is for queries.
  const bool slow = ours_ && unary_ && latency >= options_.slow_query;
  const bool json = options_.log_format == LogFormat::kJson;
  spdlog::level::level_enum level = spdlog::level::debug;
  if (slow) {
    level = spdlog::level::warn;
  } else if (ours_ && (json || write_)) {
    level = spdlog::level::info;
  }
  if (!spdlog::should_log(level)) return;
  const std::string code =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()));
  const double ms = absl::ToDoubleMilliseconds(latency);
  nlohmann::ordered_json fields = {
      {"event", "rpc"},       {"method", method_},
      {"code", code},         {"latency_ms", std::round(ms * 1000) / 1000},
      {"peer", ctx_->peer()}, {"request_id", request_id_}};
  std::string text = absl::StrFormat("rpc %s %s %.3fms peer=%s request_id=%s", method_, code, ms,
                                     ctx_->peer(), request_id_);
  if (!status.ok()) fields["message"] = Clip(status.error_message(), kMaxMessageBytes);
  if (retry_after_ms) {
    fields["retry_after_ms"] = *retry_after_ms;
    absl::StrAppend(&text, " retry_after_ms=", *retry_after_ms);
  }
  if (write_) AddReplyFields(&fields, &text);
  if (slow) {
    const std::string summary = SummarizeRequest(path_, request_);
    fields["slow"] = true;
    fields["request"] = summary;
    text = absl::StrCat("slow ", text, " request={", summary, "}");
  }
  if (!status.ok()) absl::StrAppend(&text, ": ", Clip(status.error_message(), kMaxMessageBytes));
  if (json) {
    spdlog::log(level, "{}", StructuredRecord(fields));
  } else {
    spdlog::log(level, "{}", text);
  }
}

}  // namespace

grpc::experimental::Interceptor* RpcObserverFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new RpcObserver(info, options_);
}

}  // namespace storyline::server
