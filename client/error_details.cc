#include "storyline/error_details.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "storyline/client.h"

namespace storyline {
namespace {

constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kRetryInfoUrl[] = "type.googleapis.com/google.rpc.RetryInfo";

template <typename Message>
bool ParsePayload(const absl::Status& status, const char* url, Message* message) {
  auto payload = status.GetPayload(url);  // absl::optional
  return payload && message->ParseFromString(std::string(*payload));
}

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return out;
  }
  for (const google::protobuf::Any& any : details.details()) {
    out.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return out;
}

ErrorDetails GetErrorDetails(const absl::Status& status) {
  ErrorDetails out;
  if (google::rpc::ErrorInfo info; ParsePayload(status, kErrorInfoUrl, &info)) {
    out.reason = info.reason();
    out.domain = info.domain();
    out.metadata.insert(info.metadata().begin(), info.metadata().end());
  }
  if (google::rpc::BadRequest bad; ParsePayload(status, kBadRequestUrl, &bad)) {
    for (const auto& v : bad.field_violations()) {
      out.field_violations.push_back({.field = v.field(), .description = v.description()});
    }
  }
  if (google::rpc::RetryInfo retry; ParsePayload(status, kRetryInfoUrl, &retry)) {
    out.retry_delay = absl::Seconds(retry.retry_delay().seconds()) +
                      absl::Nanoseconds(retry.retry_delay().nanos());
  }
  return out;
}

}  // namespace storyline
