#include "bench/storyline_bench/sweep_command.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/storyline_bench/bench_options.h"
#include "bench/storyline_bench/load_engine.h"
#include "bench/storyline_bench/run_report.h"
#include "bench/storyline_bench/svg_plot.h"

namespace storyline::bench {

namespace {

struct SweepFlags {
  ConnectionFlags connection;
  WorkloadFlags workload;
  double start = 100;
  double step = 0;
  double factor = 1.5;
  double step_duration = 5;
  double warmup = 1;
  double p99_bound_ms = 10;
  int max_steps = 30;
  std::string schedule = "poisson";
  std::string svg;
  std::string json;
  std::string title = "storyline-bench sweep";
  bool quiet = false;
};

struct Step {
  double offered = 0;
  RunResult result;
};

// Why the sweep stops after `step`, or "" to go on.
std::string StopReason(const SweepFlags& f, const Step& step) {
  const MethodStats all = step.result.Overall();
  const double p99 = Millis(all.ok_latency.ValueAtQuantile(0.99));
  if (all.error_count() > 0) return absl::StrCat(all.error_count(), " calls failed");
  if (p99 > f.p99_bound_ms) return absl::StrFormat("p99 %.3f ms passed the bound", p99);
  if (step.result.OkPerSecond() < 0.95 * step.offered) {
    return absl::StrFormat("achieved %.1f/s, below 95%% of the offered rate",
                           step.result.OkPerSecond());
  }
  return "";
}

std::string StepJson(const Step& s) {
  const MethodStats all = s.result.Overall();
  const LatencyHistogram& h = all.ok_latency;
  return absl::StrFormat(
      "{\"offered\":%.1f,\"achieved\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
      "\"max_ms\":%.3f,\"errors\":%d,\"rejected\":%d,\"send_lag_p99_ms\":%.3f}",
      s.offered, s.result.OkPerSecond(), Millis(h.ValueAtQuantile(0.5)),
      Millis(h.ValueAtQuantile(0.99)), Millis(h.ValueAtQuantile(0.999)), Millis(h.max()),
      all.error_count(), all.rejected, Millis(s.result.send_lag.ValueAtQuantile(0.99)));
}

std::string SweepJson(const SweepFlags& f, const std::vector<Step>& steps,
                      const std::string& reason) {
  JsonSettings settings = CommonSettings(f.connection, f.workload);
  settings.insert(settings.end(), {{"start", absl::StrCat(f.start)},
                                   {"step", absl::StrCat(f.step)},
                                   {"factor", absl::StrCat(f.factor)},
                                   {"step_duration_s", absl::StrCat(f.step_duration)},
                                   {"p99_bound_ms", absl::StrCat(f.p99_bound_ms)}});
  std::string out = absl::StrCat("{\"settings\":", FormatSettingsJson(settings), ",\"steps\":[");
  for (size_t i = 0; i < steps.size(); ++i) absl::StrAppend(&out, i ? "," : "", StepJson(steps[i]));
  return absl::StrCat(out, "],\"stop_reason\":", JsonString(reason), "}\n");
}

void PrintRow(const Step& s) {
  const LatencyHistogram& h = s.result.Overall().ok_latency;
  std::printf("%10.1f %10.1f %9.3f %9.3f %9.3f %7d %12.3f\n", s.offered, s.result.OkPerSecond(),
              Millis(h.ValueAtQuantile(0.5)), Millis(h.ValueAtQuantile(0.99)),
              Millis(h.ValueAtQuantile(0.999)), static_cast<int>(s.result.Overall().error_count()),
              Millis(s.result.send_lag.ValueAtQuantile(0.99)));
  std::fflush(stdout);
}

int WriteOutputs(const SweepFlags& f, const std::vector<Step>& steps, const std::string& reason) {
  std::printf("stopped: %s\n", reason.c_str());
  if (!f.svg.empty()) {
    std::vector<CurvePoint> points;
    for (const Step& s : steps) {
      const LatencyHistogram& h = s.result.Overall().ok_latency;
      points.push_back({s.result.OkPerSecond(), Millis(h.ValueAtQuantile(0.5)),
                        Millis(h.ValueAtQuantile(0.99))});
    }
    const std::string svg = LatencyThroughputSvg(points, {f.title, f.p99_bound_ms});
    if (absl::Status s = WriteTextFile(f.svg, svg); !s.ok()) return Fail(kExitUsage, s.message());
  }
  if (!f.json.empty()) {
    if (absl::Status s = WriteTextFile(f.json, SweepJson(f, steps, reason)); !s.ok())
      return Fail(kExitUsage, s.message());
  }
  if (steps.front().result.Overall().ok() == 0) return Fail(kExitFailed, "every call failed");
  return kExitOk;
}

int Sweep(const SweepFlags& f) {
  PreparedLoad load;
  if (int code = PrepareLoad(f.connection, f.workload, f.workload.mix, &load); code != kExitOk) {
    return code;
  }
  GrpcSender sender(load.sender);
  std::vector<Step> steps;
  std::string reason = absl::StrCat("--max_steps ", f.max_steps, " reached");
  std::printf("%10s %10s %9s %9s %9s %7s %12s\n", "offered/s", "achieved/s", "p50 ms", "p99 ms",
              "p99.9 ms", "errors", "lag p99 ms");
  for (double rate = f.start; static_cast<int>(steps.size()) < f.max_steps;
       rate = f.step > 0 ? rate + f.step : rate * f.factor) {
    steps.push_back({rate, RunLoad(sender, load.requests,
                                   {.rate = rate,
                                    .poisson = f.schedule == "poisson",
                                    .duration = absl::Seconds(f.step_duration),
                                    .warmup = absl::Seconds(f.warmup),
                                    .seed = f.workload.seed,
                                    .on_second = LiveLine(f.quiet, absl::StrCat(rate, "/s "))})});
    PrintRow(steps.back());
    if (std::string why = StopReason(f, steps.back()); !why.empty()) {
      reason = why;
      break;
    }
  }
  return WriteOutputs(f, steps, reason);
}

}  // namespace

void AddSweepCommand(CLI::App& app) {
  auto f = std::make_shared<SweepFlags>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Open-loop runs at a rising rate until p99 passes a bound; table, SVG and JSON");
  AddConnectionOptions(*cmd, &f->connection);
  AddWorkloadOptions(*cmd, &f->workload);
  cmd->add_option("--start", f->start, "First offered rate, req/s")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  CLI::Option* step =
      cmd->add_option("--step", f->step, "Add this to the rate each step (instead of --factor)")
          ->check(CLI::PositiveNumber);
  cmd->add_option("--factor", f->factor, "Multiply the rate by this each step")
      ->check(CLI::Range(1.01, 100.0))
      ->excludes(step)
      ->capture_default_str();
  cmd->add_option("--step_duration", f->step_duration, "Timed seconds per step")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_option("--warmup", f->warmup, "Seconds at each step's rate before timing")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  cmd->add_option("--p99_bound_ms", f->p99_bound_ms, "Stop once p99 passes this")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max_steps", f->max_steps, "Stop after this many steps")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--schedule", f->schedule, "poisson or uniform gaps")
      ->check(CLI::IsMember({"poisson", "uniform"}))
      ->capture_default_str();
  cmd->add_option("--svg", f->svg, "Write the latency-throughput curve to this SVG file");
  cmd->add_option("--title", f->title, "The SVG's title")->capture_default_str();
  cmd->add_option("--json", f->json, "Write every step as JSON to this file");
  cmd->add_flag("--quiet", f->quiet, "No live line on stderr");
  cmd->callback([f] { ExitWith(Sweep(*f)); });
}

}  // namespace storyline::bench
