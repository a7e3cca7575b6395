#include "bench/storyline_bench/bench_options.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "storyline/channel.h"
#include "storyline/client.h"
#include "storyline/credentials.h"

namespace storyline::bench {

void AddConnectionOptions(CLI::App& cmd, ConnectionFlags* flags) {
  cmd.add_option("--addr", flags->addr,
                 "Server address HOST:PORT; several replicas (round robin): IP:PORT,IP:PORT or "
                 "dns:///NAME:PORT")
      ->check([](const std::string& addr) {
        absl::StatusOr<ChannelPlan> plan = PlanChannel(addr);
        return plan.ok() ? std::string() : std::string(plan.status().message());
      })
      ->capture_default_str();
  cmd.add_option("--channels", flags->channels,
                 "gRPC channels (each its own connection); calls go round-robin")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd.add_option("--token_file", flags->token_file,
                 "File holding the bearer token, for servers started with --read_token_file");
  cmd.add_option("--tls_ca", flags->tls_ca, "Connect with TLS, trusting these PEM CA certificates");
  cmd.add_option("--deadline_ms", flags->deadline_ms, "Deadline of each call")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
}

void AddWorkloadOptions(CLI::App& cmd, WorkloadFlags* flags, bool with_mix) {
  cmd.add_option("--corpus", flags->corpus,
                 "JSONL corpus: two-word title queries and article ids are drawn from it");
  cmd.add_option("--queries", flags->queries, "File of Search queries, one per line");
  cmd.add_option("--seed", flags->seed, "Random seed (queries, ids, mix)")->capture_default_str();
  if (with_mix) {
    cmd.add_option("--mix", flags->mix,
                   "METHOD=WEIGHT,... over search, get, stats, similar, recommend, clusters")
        ->capture_default_str();
  }
  cmd.add_option("--cluster_documents", flags->cluster_documents,
                 "clusters: max_documents of each TopicClusters request")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_option("--cluster_count", flags->cluster_count,
                 "clusters: cluster_count of each request (0 = automatic)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

absl::StatusOr<SenderOptions> MakeSenderOptions(const ConnectionFlags& flags) {
  SenderOptions options{.target = flags.addr,
                        .channels = flags.channels,
                        .deadline = absl::Milliseconds(flags.deadline_ms)};
  if (!flags.token_file.empty()) {
    absl::StatusOr<std::string> token = ReadTokenFile(flags.token_file);
    if (!token.ok()) return token.status();
    options.token = std::move(*token);
  }
  if (!flags.tls_ca.empty()) {
    auto creds = MakeTlsCredentials({.ca_file = flags.tls_ca});
    if (!creds.ok()) return creds.status();
    options.credentials = std::move(*creds);
  }
  return options;
}

absl::Status CheckServerHealth(const SenderOptions& options) {
  Client client({.target = options.target,
                 .default_deadline = absl::Seconds(10),
                 .credentials = options.credentials,
                 .token = options.token});
  return client.CheckHealth();
}

absl::StatusOr<WorkloadSource> LoadWorkloadSource(const WorkloadFlags& flags) {
  if (flags.corpus.empty() == flags.queries.empty()) {
    return absl::InvalidArgumentError(
        "give exactly one of --corpus FILE.jsonl (queries and ids drawn from titles) and "
        "--queries FILE (one query per line)");
  }
  if (!flags.queries.empty()) return LoadQueriesFile(flags.queries);
  return LoadCorpusSource(flags.corpus, flags.seed);
}

absl::StatusOr<RequestSet> BuildRequestSet(const WorkloadFlags& flags, const WorkloadSource& source,
                                           absl::string_view mix) {
  absl::StatusOr<std::vector<MixEntry>> entries = ParseMix(mix);
  if (!entries.ok()) return entries.status();
  return RequestSet::Build(source, *entries,
                           {.documents = flags.cluster_documents, .count = flags.cluster_count},
                           flags.seed);
}

int PrepareLoad(const ConnectionFlags& c, const WorkloadFlags& w, absl::string_view mix,
                PreparedLoad* out) {
  absl::StatusOr<SenderOptions> sender = MakeSenderOptions(c);
  if (!sender.ok()) return Fail(kExitUsage, sender.status().message());
  absl::StatusOr<WorkloadSource> source = LoadWorkloadSource(w);
  if (!source.ok()) return Fail(kExitUsage, source.status().message());
  absl::StatusOr<RequestSet> requests = BuildRequestSet(w, *source, mix);
  if (!requests.ok()) return Fail(kExitUsage, requests.status().message());
  if (absl::Status h = CheckServerHealth(*sender); !h.ok()) {
    return Fail(kExitUnhealthy,
                absl::StrCat("server not healthy: ",
                             h.ToString(absl::StatusToStringMode::kWithNoExtraData)));
  }
  *out = {std::move(*sender), std::move(*source), std::move(*requests)};
  return kExitOk;
}

JsonSettings CommonSettings(const ConnectionFlags& c, const WorkloadFlags& w) {
  return {{"addr", JsonString(c.addr)},
          {"channels", absl::StrCat(c.channels)},
          {"deadline_ms", absl::StrCat(c.deadline_ms)},
          {"corpus", JsonString(w.corpus)},
          {"queries", JsonString(w.queries)},
          {"seed", absl::StrCat(w.seed)},
          {"mix", JsonString(w.mix)},
          {"cluster_documents", absl::StrCat(w.cluster_documents)},
          {"cluster_count", absl::StrCat(w.cluster_count)}};
}

std::function<void(int, bool, const SecondStats&)> LiveLine(bool quiet, std::string prefix) {
  if (quiet) return nullptr;
  return [prefix = std::move(prefix)](int second, bool warmup, const SecondStats& s) {
    std::fprintf(stderr, "%s%s\n", prefix.c_str(), FormatSecondLine(second, warmup, s).c_str());
  };
}

int Fail(int exit_code, absl::string_view message) {
  std::fprintf(stderr, "storyline-bench: %s\n", std::string(message).c_str());
  return exit_code;
}

void ExitWith(int exit_code) {
  if (exit_code != kExitOk) throw CLI::RuntimeError(exit_code);
}

}  // namespace storyline::bench
