#include "server/grpc_status.h"

#include <string>

#include "server/error_details.h"

namespace storyline::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      SerializedStatusDetails(status));
}

}  // namespace storyline::server
