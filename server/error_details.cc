#include "server/error_details.h"

#include <utility>

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace storyline::server {
namespace {

// What a client should wait before retrying an UNAVAILABLE that says
// nothing better (a shutting-down server, a writer recovering).
constexpr absl::Duration kDefaultUnavailableRetry = absl::Seconds(1);

template <typename Message>
std::optional<Message> Payload(const absl::Status& status, absl::string_view url) {
  auto payload = status.GetPayload(url);  // absl::optional
  if (!payload) return std::nullopt;
  Message message;
  if (!message.ParseFromString(std::string(*payload))) return std::nullopt;
  return message;
}

void SetPayload(absl::Status* status, absl::string_view url,
                const google::protobuf::MessageLite& message) {
  status->SetPayload(url, absl::Cord(message.SerializeAsString()));
}

void AddDetail(google::rpc::Status* out, absl::string_view url, const absl::Cord& value) {
  google::protobuf::Any* any = out->add_details();
  any->set_type_url(std::string(url));
  any->set_value(std::string(value));
}

}  // namespace

absl::Status InvalidFieldError(absl::string_view field, absl::string_view reason,
                               absl::string_view message) {
  return WithFieldViolation(absl::InvalidArgumentError(message), field, reason);
}

absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view reason) {
  if (status.ok()) return status;
  google::rpc::BadRequest bad =
      Payload<google::rpc::BadRequest>(status, kBadRequestUrl).value_or(google::rpc::BadRequest());
  google::rpc::BadRequest::FieldViolation* violation = bad.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(status.message()));
  SetPayload(&status, kBadRequestUrl, bad);
  return WithReason(std::move(status), reason);
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  if (status.ok() || status.GetPayload(kErrorInfoUrl)) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kErrorDomain);
  SetPayload(&status, kErrorInfoUrl, info);
  return status;
}

void SetRetryInfo(absl::Status* status, absl::Duration delay) {
  if (status->ok()) return;
  google::rpc::RetryInfo retry;
  const int64_t nanos = absl::ToInt64Nanoseconds(delay);
  retry.mutable_retry_delay()->set_seconds(nanos / 1000000000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  SetPayload(status, kRetryInfoUrl, retry);
}

std::string ErrorReason(const absl::Status& status) {
  auto info = Payload<google::rpc::ErrorInfo>(status, kErrorInfoUrl);
  return info ? info->reason() : std::string();
}

std::optional<absl::Duration> RetryInfoDelay(const absl::Status& status) {
  auto retry = Payload<google::rpc::RetryInfo>(status, kRetryInfoUrl);
  if (!retry) return std::nullopt;
  return absl::Seconds(retry->retry_delay().seconds()) +
         absl::Nanoseconds(retry->retry_delay().nanos());
}

std::string SerializedStatusDetails(const absl::Status& status) {
  if (status.ok()) return std::string();
  absl::Status full = WithReason(status, absl::StatusCodeToString(status.code()));
  if (full.code() == absl::StatusCode::kUnavailable && !full.GetPayload(kRetryInfoUrl)) {
    SetRetryInfo(&full, kDefaultUnavailableRetry);
  }
  google::rpc::Status out;
  out.set_code(static_cast<int>(full.code()));
  out.set_message(std::string(full.message()));
  for (const char* url : {kErrorInfoUrl, kBadRequestUrl, kRetryInfoUrl}) {
    if (auto value = full.GetPayload(url)) AddDetail(&out, url, *value);
  }
  return out.SerializeAsString();
}

}  // namespace storyline::server
