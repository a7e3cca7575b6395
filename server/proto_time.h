// Conversions between protobuf's well-known time types and absl's, for
// values that have passed the request checks (server/request_checks.h).
//
// Thread-safety: pure functions; safe from any thread.
#ifndef STORYLINE_SERVER_PROTO_TIME_H_
#define STORYLINE_SERVER_PROTO_TIME_H_

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"
#include "common/timestamp.h"

namespace storyline::server {

inline absl::Time ToAbslTime(const google::protobuf::Timestamp& t) {
  return common::FromTimestamp(t);
}

inline absl::Duration ToAbslDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_PROTO_TIME_H_
