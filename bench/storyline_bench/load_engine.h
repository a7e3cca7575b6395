// storyline-bench's load engine: drives a Sender with prepared requests in
// a closed loop (N calls always outstanding) or an open loop (requests sent
// on a Poisson or uniform schedule at a fixed rate, whatever the answers
// do) and counts what came back in a RunResult.
//
// In the open loop each call's latency runs from its SCHEDULED send time,
// not from when it was actually sent, so a client or server stall shows up
// in the percentiles instead of being hidden (coordinated omission). In the
// closed loop latency runs from the send.
//
//   GrpcSender sender({.target = "127.0.0.1:50051", .channels = 2});
//   RunResult r = RunLoad(sender, requests, {.concurrency = 8,
//                                            .duration = absl::Seconds(10)});
//
// Thread-safety: RunLoad blocks until every call it started has finished;
// it calls Sender::Send from its own thread and from the threads `done`
// runs on, so a Sender must be thread-safe.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_LOAD_ENGINE_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_LOAD_ENGINE_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/time/time.h"
#include "bench/storyline_bench/request_set.h"
#include "bench/storyline_bench/run_result.h"

namespace storyline::bench {

// How a call ended.
struct CallOutcome {
  grpc::StatusCode code = grpc::StatusCode::OK;
  // The server's suggested retry delay (trailing `retry-after-ms`), if any.
  std::optional<absl::Duration> retry_after = std::nullopt;
};

// Sends one request and calls `done` exactly once, on any thread, when it
// has finished. Send must not block for long (an open loop's schedule
// slips, though what it costs is still counted).
class Sender {
 public:
  virtual ~Sender() = default;
  virtual void Send(const PreparedRequest& request,
                    std::function<void(const CallOutcome&)> done) = 0;
};

struct LoadOptions {
  // Closed loop: this many calls outstanding. Ignored when `rate` > 0.
  int concurrency = 1;
  // Open loop: requests per second on the schedule below.
  double rate = 0;
  bool poisson = true;  // exponential gaps; false: evenly spaced
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(1);  // run first, not counted
  uint32_t seed = 42;                        // the Poisson schedule's
  // Closed loop: after a rejection with a retry delay, that slot waits the
  // delay (+-20%) before its next call, as a well-behaved client would.
  bool honor_retry_after = true;
  // Called once a second from a reporter thread with the second just ended
  // (1-based, since the run's start) and what finished in it; may be empty.
  std::function<void(int second, bool warmup, const SecondStats&)> on_second = nullptr;
};

// Runs the load described by `options`, sending `requests` in order
// (cycling), and returns what it counted. Calls started during the warm-up
// count only in `seconds`; calls started in the timed window are all
// waited for and counted, even if they end after it.
RunResult RunLoad(Sender& sender, const RequestSet& requests, const LoadOptions& options);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_LOAD_ENGINE_H_
