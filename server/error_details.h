// Machine-readable error details, carried inside absl::Status as payloads
// from where an error is made to the service edge (server/grpc_status.h),
// which sends them as a google.rpc.Status in the `grpc-status-details-bin`
// trailer:
//   - google.rpc.ErrorInfo: a stable UPPER_SNAKE reason in domain
//     "storyline.v1" (e.g. PAGE_SIZE_OUT_OF_RANGE, ARTICLE_NOT_FOUND);
//   - google.rpc.BadRequest: the request field at fault and what to fix;
//   - google.rpc.RetryInfo: how long to wait before retrying.
// Each payload's type URL is the detail's, e.g.
// "type.googleapis.com/google.rpc.BadRequest", and its value the serialized
// message, so the edge copies them into google.protobuf.Any unchanged.
//
// Thread-safety: pure functions of their arguments; safe from any thread.
#ifndef STORYLINE_SERVER_ERROR_DETAILS_H_
#define STORYLINE_SERVER_ERROR_DETAILS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace storyline::server {

// ErrorInfo.domain of every Storyline error.
inline constexpr char kErrorDomain[] = "storyline.v1";
inline constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
inline constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
inline constexpr char kRetryInfoUrl[] = "type.googleapis.com/google.rpc.RetryInfo";

// kInvalidArgument with `message`, a BadRequest naming `field` (a path such
// as "filter.published_after" or "history[3].article_id") with `message` as
// its description, and ErrorInfo `reason`.
absl::Status InvalidFieldError(absl::string_view field, absl::string_view reason,
                               absl::string_view message);

// `status` (an error) with a BadRequest for `field` and ErrorInfo `reason`
// added, keeping its code and message. An OK status is returned as is.
absl::Status WithFieldViolation(absl::Status status, absl::string_view field,
                                absl::string_view reason);

// `status` with ErrorInfo `reason`, unless it already has an ErrorInfo or is
// OK.
absl::Status WithReason(absl::Status status, absl::string_view reason);

// Attaches RetryInfo with `delay` to `status` (replacing any).
void SetRetryInfo(absl::Status* status, absl::Duration delay);

// The ErrorInfo reason `status` carries; empty if none.
std::string ErrorReason(const absl::Status& status);

// The RetryInfo delay `status` carries, if any.
std::optional<absl::Duration> RetryInfoDelay(const absl::Status& status);

// The google.rpc.Status for an error `status`, serialized: its code and
// message, and as details its ErrorInfo (the given reason, or the code's
// name, e.g. "UNAVAILABLE", when none was attached), BadRequest and
// RetryInfo (1 second for an UNAVAILABLE that has none). Empty for OK.
std::string SerializedStatusDetails(const absl::Status& status);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_ERROR_DETAILS_H_
