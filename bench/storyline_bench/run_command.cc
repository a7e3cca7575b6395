#include "bench/storyline_bench/run_command.h"

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/storyline_bench/bench_options.h"
#include "bench/storyline_bench/load_engine.h"
#include "bench/storyline_bench/run_report.h"

namespace storyline::bench {

namespace {

struct RunFlags {
  ConnectionFlags connection;
  WorkloadFlags workload;
  int concurrency = 1;
  double rate = 0;
  std::string schedule = "poisson";
  double duration = 10;
  double warmup = 1;
  std::string json;
  std::string csv;
  int64_t max_errors = -1;
  bool quiet = false;
};

JsonSettings Settings(const RunFlags& f) {
  JsonSettings s = CommonSettings(f.connection, f.workload);
  s.insert(s.end(), {{"mode", JsonString(f.rate > 0 ? "open" : "closed")},
                     {"concurrency", absl::StrCat(f.concurrency)},
                     {"rate", absl::StrCat(f.rate)},
                     {"schedule", JsonString(f.schedule)},
                     {"duration_s", absl::StrCat(f.duration)},
                     {"warmup_s", absl::StrCat(f.warmup)}});
  return s;
}

// Writes the table, --json and --csv; the exit code the counts call for.
int Report(const RunFlags& f, const RunResult& result) {
  std::fputs(FormatRunTable(result).c_str(), stdout);
  if (!f.json.empty()) {
    if (absl::Status s = WriteTextFile(f.json, FormatRunJson(result, Settings(f))); !s.ok())
      return Fail(kExitUsage, s.message());
  }
  if (!f.csv.empty()) {
    if (absl::Status s = WriteTextFile(f.csv, FormatRunCsv(result)); !s.ok())
      return Fail(kExitUsage, s.message());
  }
  const MethodStats all = result.Overall();
  if (all.ok() == 0) return Fail(kExitFailed, "every call failed");
  if (f.max_errors >= 0 && all.error_count() > static_cast<uint64_t>(f.max_errors)) {
    return Fail(kExitFailed, absl::StrCat(all.error_count(),
                                          " calls failed, more than --max_errors ", f.max_errors));
  }
  return kExitOk;
}

int Run(const RunFlags& f) {
  PreparedLoad load;
  if (int code = PrepareLoad(f.connection, f.workload, f.workload.mix, &load); code != kExitOk) {
    return code;
  }
  GrpcSender sender(load.sender);
  const RunResult result = RunLoad(sender, load.requests,
                                   {.concurrency = f.concurrency,
                                    .rate = f.rate,
                                    .poisson = f.schedule == "poisson",
                                    .duration = absl::Seconds(f.duration),
                                    .warmup = absl::Seconds(f.warmup),
                                    .seed = f.workload.seed,
                                    .on_second = LiveLine(f.quiet)});
  return Report(f, result);
}

}  // namespace

void AddRunCommand(CLI::App& app) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand("run",
                                     "One load run: closed loop (--concurrency) or open "
                                     "loop (--rate), latency percentiles and errors");
  AddConnectionOptions(*cmd, &flags->connection);
  AddWorkloadOptions(*cmd, &flags->workload);
  CLI::Option* concurrency =
      cmd->add_option("--concurrency", flags->concurrency, "Closed loop: calls outstanding")
          ->check(CLI::Range(1, 100000))
          ->capture_default_str();
  cmd->add_option("--rate", flags->rate,
                  "Open loop: requests per second, latency from each scheduled send time")
      ->check(CLI::PositiveNumber)
      ->excludes(concurrency);
  cmd->add_option("--schedule", flags->schedule, "Open loop: poisson or uniform gaps")
      ->check(CLI::IsMember({"poisson", "uniform"}))
      ->capture_default_str();
  cmd->add_option("--duration", flags->duration, "Timed seconds")
      ->check(CLI::Range(0.1, 86400.0))
      ->capture_default_str();
  cmd->add_option("--warmup", flags->warmup, "Seconds run first and not counted")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  cmd->add_option("--json", flags->json, "Write the results as one JSON object to this file");
  cmd->add_option("--csv", flags->csv, "Write one row per second (t,ok,errors,p50_ms,p99_ms)");
  cmd->add_option("--max_errors", flags->max_errors,
                  "Exit 1 if more calls than this fail (rejections aside); -1: no limit")
      ->capture_default_str();
  cmd->add_flag("--quiet", flags->quiet, "No live line on stderr");
  cmd->callback([flags] { ExitWith(Run(*flags)); });
}

}  // namespace storyline::bench
