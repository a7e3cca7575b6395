// What a storyline-bench load run counted: per method, OK latencies in a
// LatencyHistogram, rejections (RESOURCE_EXHAUSTED with a retry delay) and
// other failures by status code; per second, the same in brief.
//
// Thread-safety: plain values; the engine fills them under its own lock.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_RUN_RESULT_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_RUN_RESULT_H_

#include <grpcpp/support/status.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/storyline_bench/histogram.h"
#include "bench/storyline_bench/request_set.h"

namespace storyline::bench {

// One method's calls (or all of them).
struct MethodStats {
  LatencyHistogram ok_latency;                  // OK calls only
  uint64_t rejected = 0;                        // RESOURCE_EXHAUSTED with retry-after-ms
  std::map<grpc::StatusCode, uint64_t> errors;  // every other failure, by code

  uint64_t ok() const { return ok_latency.count(); }
  uint64_t error_count() const {
    uint64_t n = 0;
    for (const auto& [code, count] : errors) n += count;
    return n;
  }
  uint64_t calls() const { return ok() + rejected + error_count(); }
  void Merge(const MethodStats& o) {
    ok_latency.Merge(o.ok_latency);
    rejected += o.rejected;
    for (const auto& [code, count] : o.errors) errors[code] += count;
  }
};

// The calls that finished during one second of the run (counted from the
// run's start, warm-up included).
struct SecondStats {
  LatencyHistogram ok_latency;
  uint64_t errors = 0;  // failures other than rejections
  uint64_t rejected = 0;
};

struct RunResult {
  double warmup_seconds = 0;
  double measured_seconds = 0;  // the timed window (after warm-up)
  std::array<MethodStats, kMethodCount> per_method;
  // Open loop: how late each timed call was sent after its scheduled time
  // (the client's own lateness, which its latency includes). Empty in the
  // closed loop.
  LatencyHistogram send_lag;
  std::vector<SecondStats> seconds;

  MethodStats Overall() const {
    MethodStats all;
    for (const MethodStats& m : per_method) all.Merge(m);
    return all;
  }
  double OkPerSecond() const {
    return measured_seconds > 0 ? Overall().ok() / measured_seconds : 0;
  }
};

// The name of `code` as in the gRPC spec: "OK", "UNAVAILABLE", ...
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_RUN_RESULT_H_
