// Machine-readable details of a failed Storyline call.
//
// A Storyline server sends, with every error, a google.rpc.Status in the
// `grpc-status-details-bin` trailer. storyline::FromGrpcStatus (and so
// every storyline::Client method) keeps its details as absl::Status
// payloads under their type URLs ("type.googleapis.com/google.rpc.ErrorInfo",
// "...BadRequest", "...RetryInfo"), each holding the serialized message.
// GetErrorDetails reads them back without needing the google.rpc protos:
//
//   absl::StatusOr<v1::SearchResponse> r = client.Search(request);
//   if (!r.ok()) {
//     storyline::ErrorDetails d = storyline::GetErrorDetails(r.status());
//     if (d.reason == "PAGE_SIZE_OUT_OF_RANGE") ...
//     for (const auto& v : d.field_violations) std::cerr << v.field << ": " << v.description;
//     if (d.retry_delay) std::this_thread::sleep_for(absl::ToChronoMilliseconds(*d.retry_delay));
//   }
//
// Thread-safety: a pure function; safe from any thread.
#ifndef STORYLINE_ERROR_DETAILS_H_
#define STORYLINE_ERROR_DETAILS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace storyline {

struct ErrorDetails {
  // A request field that was wrong (google.rpc.BadRequest.FieldViolation).
  struct FieldViolation {
    // Path of the field in the request, e.g. "page_size",
    // "filter.published_after", "history[3].article_id".
    std::string field;
    // What is wrong with it and what to send instead.
    std::string description;
  };

  // google.rpc.ErrorInfo.reason: a stable UPPER_SNAKE cause, e.g.
  // "PAGE_SIZE_OUT_OF_RANGE", "ARTICLE_NOT_FOUND", "INDEX_BUSY",
  // "WRITE_TOKEN_MISSING"; empty when the status has no ErrorInfo (for
  // example an error made by gRPC itself, not the server).
  std::string reason;
  // google.rpc.ErrorInfo.domain: "storyline.v1" for the server's errors.
  std::string domain;
  // google.rpc.ErrorInfo.metadata.
  std::map<std::string, std::string> metadata;
  // google.rpc.BadRequest: the fields at fault (INVALID_ARGUMENT).
  std::vector<FieldViolation> field_violations;
  // google.rpc.RetryInfo: how long to wait before retrying (UNAVAILABLE,
  // RESOURCE_EXHAUSTED), if the server said.
  std::optional<absl::Duration> retry_delay;
};

// The details `status` carries; all empty for an OK status or one without
// details. Payloads that do not parse are skipped.
ErrorDetails GetErrorDetails(const absl::Status& status);

}  // namespace storyline

#endif  // STORYLINE_ERROR_DETAILS_H_
