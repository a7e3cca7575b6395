// How storyline::Client (and the CLI's and storyline-bench's --addr) turn
// an address into a gRPC channel:
//
//   "host:port"                one server, as any gRPC target ("unix:PATH"...)
//   "10.0.0.5:50051,10.0.0.6:50051"   several servers (IP addresses or
//                              localhost; a name needs dns:///)
//   "dns:///storyline.internal:50051"  every address the name resolves to
//                              (a Kubernetes headless Service)
//
// Several servers, or a dns:/// name, get a service config: gRPC's
// round_robin load balancing, client-side health checks of
// storyline.v1.StoryService (a replica that reports NOT_SERVING, e.g.
// before its first copy, gets no calls), and retries of the idempotent
// StoryService reads on UNAVAILABLE (a replica that dies costs retries,
// not errors). IngestService calls are never retried: the writer is one
// server, and a retried write could be applied twice.
//
// Thread-safety: pure functions.
#ifndef STORYLINE_CHANNEL_H_
#define STORYLINE_CHANNEL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline {

struct ChannelPlan {
  std::string target;          // what gRPC dials
  std::string service_config;  // JSON; empty for a single server
};

// The plan for `address` (forms above). Fails with kInvalidArgument naming
// the bad element: an empty element, a port outside 1..65535, a host name
// in a list, or IPv4 and IPv6 addresses mixed in one list.
absl::StatusOr<ChannelPlan> PlanChannel(absl::string_view address);

// The service config of a channel to several servers (see above).
std::string ReplicaServiceConfigJson();

}  // namespace storyline

#endif  // STORYLINE_CHANNEL_H_
