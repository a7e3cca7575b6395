#include "bench/load/load_report.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/percentile.h"

namespace storyline::bench {

void Tally::Merge(const Tally& o) {
  ok_ms.insert(ok_ms.end(), o.ok_ms.begin(), o.ok_ms.end());
  slowest_rejection_ms = std::max(slowest_rejection_ms, o.slowest_rejection_ms);
  rejected += o.rejected;
  errors += o.errors;
  for (const auto& [code, count] : o.errors_by_code) errors_by_code[code] += count;
  if (first_error.empty()) first_error = o.first_error;
}

namespace {

using common::PercentileOfSorted;

// "UNAVAILABLE 12, DEADLINE_EXCEEDED 3" (json: "\"UNAVAILABLE\":12,...").
std::string ErrorsByCode(const Tally& t, bool json) {
  std::string out;
  for (const auto& [code, count] : t.errors_by_code) {
    const std::string name = absl::StatusCodeToString(code);
    absl::StrAppend(&out,
                    out.empty() ? ""
                    : json      ? ","
                                : ", ",
                    json ? absl::StrCat("\"", name, "\":", count) : absl::StrCat(name, " ", count));
  }
  return out;
}

// The latency figures of one method's OK calls.
struct Figures {
  size_t done = 0;
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;
};

Figures FiguresOf(Tally& t) {
  Figures f;
  f.done = t.ok_ms.size();
  for (double x : t.ok_ms) f.mean += x;
  f.mean = f.done ? f.mean / f.done : 0;
  std::sort(t.ok_ms.begin(), t.ok_ms.end());
  f.p50 = PercentileOfSorted(t.ok_ms, 0.50);
  f.p95 = PercentileOfSorted(t.ok_ms, 0.95);
  f.p99 = PercentileOfSorted(t.ok_ms, 0.99);
  f.max = t.ok_ms.empty() ? 0 : t.ok_ms.back();
  return f;
}

void PrintJson(const std::string& workload, const std::string& method, int threads, double secs,
               const Tally& t, const Figures& f) {
  std::printf(
      "{\"workload\":\"%s\",\"method\":\"%s\",\"requests\":%zu,\"rejected\":%d,\"errors\":%d,"
      "\"concurrency\":%d,\"seconds\":%.3f,\"qps\":%.1f,\"mean_ms\":%.3f,\"p50_ms\":%.3f,"
      "\"p95_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"slowest_rejection_ms\":%.3f",
      workload.c_str(), method.c_str(), f.done, t.rejected, t.errors, threads, secs, f.done / secs,
      f.mean, f.p50, f.p95, f.p99, f.max, t.slowest_rejection_ms);
  if (t.errors > 0) std::printf(",\"errors_by_code\":{%s}", ErrorsByCode(t, true).c_str());
  std::printf("}\n");
}

void PrintText(const std::string& name, int threads, double secs, const Tally& t,
               const Figures& f) {
  if (t.AllFailed()) {
    // No throughput or latency: there is nothing to measure.
    std::printf("%-18s ok=0 rejected=%d errors=%d concurrency=%d  every call failed\n",
                name.c_str(), t.rejected, t.errors, threads);
  } else {
    std::printf(
        "%-18s ok=%zu rejected=%d errors=%d concurrency=%d  %.1f req/s  mean %.3f ms  "
        "p50 %.3f ms  p95 %.3f ms  p99 %.3f ms  max %.3f ms\n",
        name.c_str(), f.done, t.rejected, t.errors, threads, f.done / secs, f.mean, f.p50, f.p95,
        f.p99, f.max);
  }
  if (t.rejected > 0)
    std::printf("%-18s   slowest rejection %.3f ms\n", "", t.slowest_rejection_ms);
  if (t.errors > 0) std::printf("%-18s   errors by code: %s\n", "", ErrorsByCode(t, false).c_str());
}

}  // namespace

void Report(const std::string& workload, const std::string& method, int threads, double secs,
            bool json, Tally& t) {
  const Figures f = FiguresOf(t);
  const std::string name = workload == method ? workload : workload + "/" + method;
  if (json) {
    PrintJson(workload, method, threads, secs, t, f);
  } else {
    PrintText(name, threads, secs, t, f);
  }
  if (!t.first_error.empty()) std::fprintf(stderr, "  first error: %s\n", t.first_error.c_str());
}

}  // namespace storyline::bench
