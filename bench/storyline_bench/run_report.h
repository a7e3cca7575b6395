// How storyline-bench reports a load run: a text table (per method and
// overall: ok calls/s, p50, p90, p99, p99.9, max, rejections, errors by
// status code), the live line for each second, one JSON object, and a CSV
// time series.
//
// JSON (`--json FILE`), one object:
//   {"settings": {...as given...},
//    "seconds": 10.0, "ok_per_second": 1585.2,
//    "overall": {"ok":..., "rejected":..., "errors":..., "errors_by_code": {"UNAVAILABLE": 3},
//                "ok_per_second":..., "latency_ms": {"p50":..,"p90":..,"p99":..,"p999":..,
//                "max":..,"mean":..}},
//    "methods": {"search": {same fields}, ...},     (methods that were called)
//    "send_lag_ms": {"p50":..,"p99":..,"max":..}}  (open loop only)
// CSV (`--csv FILE`): header `t,ok,errors,p50_ms,p99_ms`, one row per second
// of the timed window; t is seconds since the run started (warm-up left out).
//
// Thread-safety: free functions over values.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_RUN_REPORT_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_RUN_REPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "bench/storyline_bench/run_result.h"

namespace storyline::bench {

// Settings echoed into the JSON as given: name and an already-encoded JSON
// value ("8", "\"search=100\"").
using JsonSettings = std::vector<std::pair<std::string, std::string>>;

// `s` as a JSON string literal, quotes included.
std::string JsonString(const std::string& s);
// Nanoseconds as milliseconds with three decimals.
double Millis(int64_t nanos);

// The text table, a line per method called plus "all" when more than one.
std::string FormatRunTable(const RunResult& result);
// "t=3s  1234 ok/s  p99 4.210 ms  errors 0" (+ " rejected N", " (warm-up)").
std::string FormatSecondLine(int second, bool warmup, const SecondStats& s);
// The JSON object described above.
std::string FormatRunJson(const RunResult& result, const JsonSettings& settings);
// The CSV described above.
std::string FormatRunCsv(const RunResult& result);
// `settings` as one JSON object: {"name":value,...}.
std::string FormatSettingsJson(const JsonSettings& settings);
// The JSON object of one method's stats over `seconds`.
std::string MethodJson(const MethodStats& m, double seconds);

// Writes `text` to `path`; kPermissionDenied/kNotFound naming the path.
absl::Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_RUN_REPORT_H_
