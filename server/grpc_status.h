// The one place absl::Status becomes grpc::Status (the service edge).
#ifndef STORYLINE_SERVER_GRPC_STATUS_H_
#define STORYLINE_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace storyline::server {

// Same canonical code, same message (absl and gRPC share code numbering),
// and for an error the google.rpc.Status details that gRPC sends as the
// `grpc-status-details-bin` trailer: the status's ErrorInfo (or one whose
// reason is the code's name), BadRequest and RetryInfo payloads
// (server/error_details.h).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_GRPC_STATUS_H_
