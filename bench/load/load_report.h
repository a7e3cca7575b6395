// What storyline-load counts of one method's calls, and how it reports
// them: a line of text (or a JSON object) with the OK calls' throughput and
// latency percentiles, the rejections and the errors by status code.
//
// Thread-safety: a Tally belongs to one thread until merged; Report writes
// to stdout and stderr.
#ifndef STORYLINE_BENCH_LOAD_LOAD_REPORT_H_
#define STORYLINE_BENCH_LOAD_LOAD_REPORT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace storyline::bench {

// What one method's calls did, in one thread or merged.
struct Tally {
  std::vector<double> ok_ms;  // latency of each OK call
  double slowest_rejection_ms = 0;
  int rejected = 0;
  int errors = 0;                                  // failed other than RESOURCE_EXHAUSTED
  std::map<absl::StatusCode, int> errors_by_code;  // the `errors`, by code
  std::string first_error;
  // Adds `o`'s calls to these.
  void Merge(const Tally& o);
  // True if calls were made and none succeeded.
  bool AllFailed() const { return ok_ms.empty() && rejected + errors > 0; }
};

// Prints the line of `workload`'s `method` ("workload/method" unless they
// are the same; --json: one object), run by `threads` threads for `secs`.
// A method without one OK call gets "every call failed" instead of a
// throughput. Sorts `t.ok_ms`.
void Report(const std::string& workload, const std::string& method, int threads, double secs,
            bool json, Tally& t);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_LOAD_LOAD_REPORT_H_
