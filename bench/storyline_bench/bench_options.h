// The options storyline-bench's run, sweep and ceiling subcommands share:
// where the server is and how to reach it (--addr, --channels, --token_file,
// --tls_ca, --deadline_ms), and what to send (--corpus or --queries, --seed,
// --mix, --cluster_documents, --cluster_count); plus the exit codes and
// the error line every subcommand uses.
//
// Thread-safety: call from main's thread while parsing and starting up.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_BENCH_OPTIONS_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_BENCH_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/storyline_bench/grpc_sender.h"
#include "bench/storyline_bench/request_set.h"
#include "bench/storyline_bench/run_report.h"

namespace storyline::bench {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;     // every call failed, or --max_errors exceeded
inline constexpr int kExitUsage = 2;      // bad flags or inputs
inline constexpr int kExitUnhealthy = 3;  // the server was not SERVING at the start

struct ConnectionFlags {
  std::string addr = "localhost:50051";
  int channels = 1;
  std::string token_file;
  std::string tls_ca;
  int deadline_ms = 30000;
};

struct WorkloadFlags {
  std::string corpus;
  std::string queries;
  uint32_t seed = 42;
  std::string mix = "search=100";
  int cluster_documents = 500;
  int cluster_count = 0;
};

void AddConnectionOptions(CLI::App& cmd, ConnectionFlags* flags);
// Without `with_mix`, --mix is left out (ceiling sends Search only).
void AddWorkloadOptions(CLI::App& cmd, WorkloadFlags* flags, bool with_mix = true);

// SenderOptions from the flags (reads the token and CA files).
// kInvalidArgument/kNotFound naming the flag.
absl::StatusOr<SenderOptions> MakeSenderOptions(const ConnectionFlags& flags);
// OK if the server's health service answers SERVING.
absl::Status CheckServerHealth(const SenderOptions& options);
// The queries and ids the flags name. kInvalidArgument naming the flag when
// both or neither of --corpus and --queries are given.
absl::StatusOr<WorkloadSource> LoadWorkloadSource(const WorkloadFlags& flags);
// The prepared requests of --mix over `source`.
absl::StatusOr<RequestSet> BuildRequestSet(const WorkloadFlags& flags, const WorkloadSource& source,
                                           absl::string_view mix);

// What a load subcommand needs before it starts sending.
struct PreparedLoad {
  SenderOptions sender;
  WorkloadSource source;
  RequestSet requests;
};
// Fills `out` from the flags (requests of `mix`) and checks the server's
// health; kExitOk, or the exit code after printing why not (kExitUsage,
// kExitUnhealthy).
int PrepareLoad(const ConnectionFlags& c, const WorkloadFlags& w, absl::string_view mix,
                PreparedLoad* out);

// The settings every load subcommand echoes into its JSON.
JsonSettings CommonSettings(const ConnectionFlags& c, const WorkloadFlags& w);

// The live line for LoadOptions::on_second: FormatSecondLine on stderr,
// after `prefix`; nothing when `quiet`.
std::function<void(int, bool, const SecondStats&)> LiveLine(bool quiet, std::string prefix = "");

// Prints "storyline-bench: MESSAGE" on stderr and returns `exit_code`.
int Fail(int exit_code, absl::string_view message);
// Throws what makes main return `exit_code` (nothing for kExitOk); CLI11
// subcommand callbacks end with this.
void ExitWith(int exit_code);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_BENCH_OPTIONS_H_
