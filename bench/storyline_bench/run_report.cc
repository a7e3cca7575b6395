#include "bench/storyline_bench/run_report.h"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace storyline::bench {

namespace {

// "UNAVAILABLE 12, DEADLINE_EXCEEDED 3".
std::string ErrorsText(const MethodStats& m) {
  std::string out;
  for (const auto& [code, count] : m.errors) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", StatusCodeName(code), " ", count);
  }
  return out;
}

std::string TableLine(const std::string& name, const MethodStats& m, double seconds) {
  const LatencyHistogram& h = m.ok_latency;
  std::string line = absl::StrFormat("%-10s ok=%d rejected=%d errors=%d", name, m.ok(), m.rejected,
                                     m.error_count());
  if (m.ok() == 0) {
    absl::StrAppend(&line, "  every call failed\n");
  } else {
    absl::StrAppend(
        &line, absl::StrFormat("  %.1f ok/s  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f "
                               "ms  max %.3f ms\n",
                               m.ok() / seconds, Millis(h.ValueAtQuantile(0.5)),
                               Millis(h.ValueAtQuantile(0.9)), Millis(h.ValueAtQuantile(0.99)),
                               Millis(h.ValueAtQuantile(0.999)), Millis(h.max())));
  }
  if (!m.errors.empty()) absl::StrAppend(&line, "           errors by code: ", ErrorsText(m), "\n");
  return line;
}

}  // namespace

std::string StatusCodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", std::string(1, c));
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(&out, absl::StrFormat("\\u%04x", c));
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

double Millis(int64_t nanos) { return std::round(nanos / 1e3) / 1e3; }

std::string FormatRunTable(const RunResult& result) {
  std::string out;
  int called = 0;
  for (Method m : kAllMethods) {
    const MethodStats& stats = result.per_method[static_cast<int>(m)];
    if (stats.calls() == 0) continue;
    ++called;
    out += TableLine(MethodName(m), stats, result.measured_seconds);
  }
  if (called != 1) out += TableLine("all", result.Overall(), result.measured_seconds);
  const LatencyHistogram& lag = result.send_lag;
  if (lag.count() > 0) {
    absl::StrAppend(&out, absl::StrFormat("send lag   p50 %.3f ms  p99 %.3f ms  max %.3f ms  (sent "
                                          "after the schedule; counted in the latencies)\n",
                                          Millis(lag.ValueAtQuantile(0.5)),
                                          Millis(lag.ValueAtQuantile(0.99)), Millis(lag.max())));
  }
  return out;
}

std::string FormatSecondLine(int second, bool warmup, const SecondStats& s) {
  std::string line =
      absl::StrFormat("t=%ds  %d ok/s  p99 %.3f ms  errors %d", second, s.ok_latency.count(),
                      Millis(s.ok_latency.ValueAtQuantile(0.99)), s.errors);
  if (s.rejected > 0) absl::StrAppend(&line, "  rejected ", s.rejected);
  if (warmup) absl::StrAppend(&line, "  (warm-up)");
  return line;
}

std::string MethodJson(const MethodStats& m, double seconds) {
  const LatencyHistogram& h = m.ok_latency;
  std::string codes;
  for (const auto& [code, count] : m.errors) {
    absl::StrAppend(&codes, codes.empty() ? "" : ",", JsonString(StatusCodeName(code)), ":", count);
  }
  return absl::StrFormat(
      "{\"ok\":%d,\"rejected\":%d,\"errors\":%d,\"errors_by_code\":{%s},\"ok_per_second\":%.1f,"
      "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f,"
      "\"mean\":%.3f}}",
      m.ok(), m.rejected, m.error_count(), codes, seconds > 0 ? m.ok() / seconds : 0.0,
      Millis(h.ValueAtQuantile(0.5)), Millis(h.ValueAtQuantile(0.9)),
      Millis(h.ValueAtQuantile(0.99)), Millis(h.ValueAtQuantile(0.999)), Millis(h.max()),
      h.mean() / 1e6);
}

std::string FormatSettingsJson(const JsonSettings& settings) {
  std::string out = "{";
  for (size_t i = 0; i < settings.size(); ++i) {
    absl::StrAppend(&out, i ? "," : "", JsonString(settings[i].first), ":", settings[i].second);
  }
  return out + "}";
}

std::string FormatRunJson(const RunResult& result, const JsonSettings& settings) {
  std::string out = absl::StrCat("{\"settings\":", FormatSettingsJson(settings));
  absl::StrAppend(&out, ",\"seconds\":", absl::StrFormat("%.3f", result.measured_seconds),
                  ",\"ok_per_second\":", absl::StrFormat("%.1f", result.OkPerSecond()),
                  ",\"overall\":", MethodJson(result.Overall(), result.measured_seconds),
                  ",\"methods\":{");
  bool first = true;
  for (Method m : kAllMethods) {
    const MethodStats& stats = result.per_method[static_cast<int>(m)];
    if (stats.calls() == 0) continue;
    absl::StrAppend(&out, first ? "" : ",", JsonString(MethodName(m)), ":",
                    MethodJson(stats, result.measured_seconds));
    first = false;
  }
  const LatencyHistogram& lag = result.send_lag;
  absl::StrAppend(&out, "}");
  if (lag.count() > 0) {
    absl::StrAppend(
        &out, absl::StrFormat(",\"send_lag_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}",
                              Millis(lag.ValueAtQuantile(0.5)), Millis(lag.ValueAtQuantile(0.99)),
                              Millis(lag.max())));
  }
  return out + "}\n";
}

std::string FormatRunCsv(const RunResult& result) {
  std::string out = "t,ok,errors,p50_ms,p99_ms\n";
  for (size_t i = 0; i < result.seconds.size(); ++i) {
    if (static_cast<double>(i) < result.warmup_seconds) continue;  // second i+1 starts at i
    if (static_cast<double>(i) >= result.warmup_seconds + result.measured_seconds) break;
    const SecondStats& s = result.seconds[i];
    absl::StrAppend(&out, absl::StrFormat("%d,%d,%d,%.3f,%.3f\n", i + 1, s.ok_latency.count(),
                                          s.errors, Millis(s.ok_latency.ValueAtQuantile(0.5)),
                                          Millis(s.ok_latency.ValueAtQuantile(0.99))));
  }
  return out;
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::NotFoundError(absl::StrCat("cannot write ", path));
  out << text;
  out.close();
  if (!out) return absl::DataLossError(absl::StrCat("writing ", path, " failed"));
  return absl::OkStatus();
}

}  // namespace storyline::bench
