// The one place absl::Status becomes grpc::Status (the service edge).
#ifndef STORYLINE_SERVER_GRPC_STATUS_H_
#define STORYLINE_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace storyline::server {

// Same canonical code, same message. absl and gRPC share code numbering.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_GRPC_STATUS_H_
