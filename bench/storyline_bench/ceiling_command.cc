#include "bench/storyline_bench/ceiling_command.h"

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/storyline_bench/bench_options.h"
#include "bench/storyline_bench/echo_server.h"
#include "bench/storyline_bench/load_engine.h"
#include "bench/storyline_bench/raw_xapian.h"
#include "bench/storyline_bench/run_report.h"

namespace storyline::bench {

namespace {

struct CeilingFlags {
  ConnectionFlags connection;
  WorkloadFlags workload;
  std::string index;
  int concurrency = 8;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int echo_threads = 0;
  double duration = 10;
  double warmup = 1;
  std::string json;
  bool quiet = false;
};

struct Ceilings {
  MethodStats service = {};
  RawXapianResult raw = {};
  MethodStats echo = {};
  double seconds = 0;
};

LoadOptions ClosedLoop(const CeilingFlags& f, const std::string& label) {
  return {.concurrency = f.concurrency,
          .duration = absl::Seconds(f.duration),
          .warmup = absl::Seconds(f.warmup),
          .seed = f.workload.seed,
          .on_second = LiveLine(f.quiet, label)};
}

std::string Line(const char* name, double rate, const LatencyHistogram& h) {
  return absl::StrFormat("%-16s %10.1f /s  p50 %.3f ms  p99 %.3f ms", name, rate,
                         Millis(h.ValueAtQuantile(0.5)), Millis(h.ValueAtQuantile(0.99)));
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

std::string RawJson(const RawXapianResult& raw) {
  return absl::StrFormat(
      "{\"queries\":%d,\"queries_per_second\":%.1f,\"hits\":%d,\"queries_with_hits\":%d,"
      "\"latency_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}}",
      raw.queries, raw.QueriesPerSecond(), raw.hits, raw.queries_with_hits,
      Millis(raw.latency.ValueAtQuantile(0.5)), Millis(raw.latency.ValueAtQuantile(0.99)),
      Millis(raw.latency.max()));
}

std::string CeilingJson(const CeilingFlags& f, const Ceilings& c) {
  const double service = c.service.ok() / c.seconds, echo = c.echo.ok() / c.seconds;
  JsonSettings settings = CommonSettings(f.connection, f.workload);
  settings.insert(settings.end(), {{"index", JsonString(f.index)},
                                   {"concurrency", absl::StrCat(f.concurrency)},
                                   {"threads", absl::StrCat(f.threads)},
                                   {"duration_s", absl::StrCat(f.duration)}});
  return absl::StrCat(
      "{\"settings\":", FormatSettingsJson(settings),
      ",\"service\":", MethodJson(c.service, c.seconds), ",\"raw_xapian\":", RawJson(c.raw),
      ",\"echo\":", MethodJson(c.echo, c.seconds),
      absl::StrFormat(",\"ratios\":{\"service_over_raw\":%.3f,\"service_over_echo\":%.3f}}\n",
                      Ratio(service, c.raw.QueriesPerSecond()), Ratio(service, echo)));
}

void PrintCeilings(const CeilingFlags& f, const Ceilings& c) {
  const double service = c.service.ok() / c.seconds, echo = c.echo.ok() / c.seconds;
  const double raw = c.raw.QueriesPerSecond();
  std::printf("%s\n%s  (%.1f hits a query; %d of %d queries matched)\n%s\n",
              Line("service Search", service, c.service.ok_latency).c_str(),
              Line("raw Xapian", raw, c.raw.latency).c_str(),
              c.raw.queries ? static_cast<double>(c.raw.hits) / c.raw.queries : 0.0,
              static_cast<int>(c.raw.queries_with_hits), static_cast<int>(c.raw.queries),
              Line("gRPC echo", echo, c.echo.ok_latency).c_str());
  if (c.service.rejected + c.service.error_count() > 0) {
    std::printf("(service: %d calls rejected, %d failed; only OK calls count)\n",
                static_cast<int>(c.service.rejected), static_cast<int>(c.service.error_count()));
  }
  std::printf(
      "service/raw %.2f  service/echo %.2f  (concurrency %d, %d raw threads, %.0f s each)\n",
      Ratio(service, raw), Ratio(service, echo), f.concurrency, f.threads, f.duration);
}

int Report(const CeilingFlags& f, const Ceilings& c) {
  PrintCeilings(f, c);
  if (!f.json.empty()) {
    if (absl::Status s = WriteTextFile(f.json, CeilingJson(f, c)); !s.ok()) {
      return Fail(kExitUsage, s.message());
    }
  }
  if (c.service.ok() == 0) return Fail(kExitFailed, "every Search call failed");
  if (c.raw.hits == 0) return Fail(kExitFailed, "raw Xapian matched nothing: wrong --index?");
  return kExitOk;
}

int Ceiling(const CeilingFlags& f) {
  PreparedLoad load;
  if (int code = PrepareLoad(f.connection, f.workload, "search=100", &load); code != kExitOk) {
    return code;
  }
  Ceilings c{.seconds = f.duration};
  GrpcSender service(load.sender);
  c.service = RunLoad(service, load.requests, ClosedLoop(f, "service ")).Overall();
  absl::StatusOr<RawXapianResult> raw =
      RunRawXapian({f.index, f.threads, absl::Seconds(f.duration), absl::Seconds(f.warmup)},
                   load.source.queries);
  if (!raw.ok()) return Fail(kExitUsage, raw.status().message());
  c.raw = std::move(*raw);
  absl::StatusOr<std::unique_ptr<EchoServer>> echo_server = EchoServer::Start(f.echo_threads);
  if (!echo_server.ok()) return Fail(kExitFailed, echo_server.status().message());
  GrpcSender echo({.target = (*echo_server)->address(),
                   .channels = f.connection.channels,
                   .deadline = absl::Milliseconds(f.connection.deadline_ms),
                   .path_override = "/storyline.bench.Echo/Echo"});
  c.echo = RunLoad(echo, load.requests, ClosedLoop(f, "echo ")).Overall();
  return Report(f, c);
}

}  // namespace

void AddCeilingCommand(CLI::App& app) {
  auto f = std::make_shared<CeilingFlags>();
  CLI::App* cmd = app.add_subcommand(
      "ceiling", "Search through the service vs raw in-process Xapian vs a gRPC echo, as ratios");
  AddConnectionOptions(*cmd, &f->connection);
  AddWorkloadOptions(*cmd, &f->workload, /*with_mix=*/false);
  cmd->add_option("--index", f->index, "The server's --index_dir (read by raw Xapian)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--concurrency", f->concurrency, "Calls outstanding (service and echo)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--threads", f->threads, "Raw Xapian threads (default: the cores)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--echo_threads", f->echo_threads,
                  "Echo server's resource-quota thread cap (0: gRPC's default)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--duration", f->duration, "Timed seconds of each of the three")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_option("--warmup", f->warmup, "Seconds before each is timed")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  cmd->add_option("--json", f->json, "Write the three and the ratios as JSON to this file");
  cmd->add_flag("--quiet", f->quiet, "No live line on stderr");
  cmd->callback([f] { ExitWith(Ceiling(*f)); });
}

}  // namespace storyline::bench
