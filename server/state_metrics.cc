#include "server/state_metrics.h"

#include <grpc/grpc.h>
#include <grpc/support/alloc.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"

namespace storyline::server {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily NewFamily(std::string name, std::string help, MetricType type) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

void AddSample(MetricFamily* family, double value, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (family->type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family->metric.push_back(std::move(metric));
}

void AddGauge(std::vector<MetricFamily>* out, std::string name, std::string help, double value) {
  MetricFamily family = NewFamily(std::move(name), std::move(help), MetricType::Gauge);
  AddSample(&family, value);
  out->push_back(std::move(family));
}

// Reads and frees a channelz JSON string.
nlohmann::json TakeChannelzJson(char* text) {
  if (text == nullptr) return nullptr;
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  gpr_free(text);
  return parsed;
}

// Channelz renders int64 ids as JSON strings.
int64_t JsonId(const nlohmann::json& value) {
  int64_t id = 0;
  if (value.is_string()) {
    if (!absl::SimpleAtoi(value.get<std::string>(), &id)) return 0;
  } else if (value.is_number_integer()) {
    id = value.get<int64_t>();
  }
  return id;
}

// Open sockets (accepted connections) of the channelz server `server_id`.
int CountSockets(int64_t server_id) {
  int count = 0;
  int64_t next = 0;
  for (int page = 0; page < 1000; ++page) {
    nlohmann::json sockets =
        TakeChannelzJson(grpc_channelz_get_server_sockets(server_id, next, 500));
    if (!sockets.is_object()) return count;
    auto refs = sockets.find("socketRef");
    if (refs == sockets.end() || !refs->is_array() || refs->empty()) return count;
    for (const nlohmann::json& ref : *refs) {
      if (!ref.is_object()) continue;
      ++count;
      next = std::max(next, JsonId(ref.value("socketId", nlohmann::json())) + 1);
    }
    if (sockets.value("end", false)) return count;
  }
  return count;
}

}  // namespace

int CountServerConnections() {
  nlohmann::json servers = TakeChannelzJson(grpc_channelz_get_servers(0));
  if (!servers.is_object()) return -1;
  int count = 0;
  auto list = servers.find("server");
  if (list == servers.end() || !list->is_array()) return 0;  // no server (or none yet)
  for (const nlohmann::json& server : *list) {
    if (!server.is_object()) continue;
    const nlohmann::json ref = server.value("ref", nlohmann::json::object());
    const int64_t id = JsonId(ref.value("serverId", nlohmann::json()));
    if (id > 0) count += CountSockets(id);
  }
  return count;
}

StateMetrics::StateMetrics(StateMetricsSources sources) : sources_(std::move(sources)) {}

StateMetrics::~StateMetrics() = default;

std::vector<MetricFamily> StateMetrics::Collect() const {
  std::vector<MetricFamily> out;
  {
    absl::MutexLock lock(&mu_);
    CollectIndex(&out);
  }
  CollectSemantic(&out);
  CollectAdmission(&out);
  if (sources_.connections) {
    const int connections = sources_.listener != nullptr
                                ? static_cast<int>(sources_.listener->open_connections())
                                : CountServerConnections();
    if (connections >= 0) {
      AddGauge(&out, "storyline_open_connections",
               "Open client connections of the gRPC server (as of the listener's last count, "
               "at most a second old).",
               connections);
    }
  }
  return out;
}

void StateMetrics::CollectIndex(std::vector<MetricFamily>* out) const {
  if (searcher_ == nullptr) {
    auto opened = index::Searcher::Open(sources_.index_dir, sources_.semantic);
    if (!opened.ok()) return;  // no index yet: left out until there is one
    searcher_ = *std::move(opened);
  }
  absl::StatusOr<index::IndexStatsData> stats = searcher_->Stats();
  if (!stats.ok()) {
    searcher_.reset();  // reopened at the next scrape
    return;
  }
  AddGauge(out, "storyline_index_articles", "Articles in the index.", stats->article_count);
  AddGauge(out, "storyline_index_revision",
           "Index revision (sum of the shards' revisions; grows with every commit).",
           static_cast<double>(stats->revision));
  AddGauge(out, "storyline_index_disk_bytes", "Bytes the index uses on disk.", stats->disk_bytes);
  if (stats->last_commit_time) {
    AddGauge(out, "storyline_index_last_commit_timestamp_seconds",
             "Unix time of the index's last commit.",
             absl::ToDoubleSeconds(*stats->last_commit_time - absl::UnixEpoch()));
  }
  AddGauge(out, "storyline_semantic_model_articles",
           "Articles in the current semantic model (0 before the first is built).",
           stats->semantic_articles);
}

void StateMetrics::CollectSemantic(std::vector<MetricFamily>* out) const {
  if (sources_.semantic == nullptr) return;
  std::optional<index::SemanticSpace::BuildInfo> build = sources_.semantic->LastBuild();
  if (!build) return;
  AddGauge(out, "storyline_semantic_model_age_seconds",
           "Seconds since the current semantic model was built.",
           absl::ToDoubleSeconds(absl::Now() - build->built_at));
  AddGauge(out, "storyline_semantic_model_build_seconds",
           "How long building the current semantic model took.",
           absl::ToDoubleSeconds(build->build_time));
  AddGauge(out, "storyline_semantic_model_bytes",
           "Memory the current semantic model takes (mapped from INDEX_DIR/semantic-model).",
           static_cast<double>(build->memory_bytes));
  AddGauge(out, "storyline_semantic_model_rank",
           "Dimensions of the current semantic model's topics view.", build->rank);
}

void StateMetrics::CollectAdmission(std::vector<MetricFamily>* out) const {
  if (sources_.admission == nullptr) return;
  const AdmissionStats stats = sources_.admission->Stats();
  MetricFamily running = NewFamily("storyline_admission_running",
                                   "Admitted calls holding a slot, by limiter.", MetricType::Gauge);
  MetricFamily waiting = NewFamily("storyline_admission_waiting",
                                   "Calls waiting for a slot, by limiter.", MetricType::Gauge);
  MetricFamily max_running =
      NewFamily("storyline_admission_max_running", "Slots per limiter.", MetricType::Gauge);
  MetricFamily max_waiting =
      NewFamily("storyline_admission_max_waiting", "Queue places per limiter.", MetricType::Gauge);
  for (const AdmissionStats::Limiter& l : stats.limiters) {
    std::vector<ClientMetric::Label> labels = {{"limiter", LimiterName(l.id)},
                                               {"cost", CostClassName(l.cost)}};
    AddSample(&running, l.running, labels);
    AddSample(&waiting, l.waiting, labels);
    AddSample(&max_running, l.limits.max_running, labels);
    AddSample(&max_waiting, l.limits.max_waiting, labels);
  }
  MetricFamily rejected = NewFamily(
      "storyline_rpcs_rejected_total",
      "Calls refused at once by admission control (RESOURCE_EXHAUSTED with a retry delay).",
      MetricType::Counter);
  MetricFamily shed = NewFamily("storyline_rpcs_shed_total",
                                "Calls that waited for a slot and were dropped unrun because "
                                "their deadline passed or their client left meanwhile.",
                                MetricType::Counter);
  for (const AdmissionStats::Method& m : stats.methods) {
    std::vector<ClientMetric::Label> labels = {{"method", MethodName(m.method)},
                                               {"limiter", LimiterName(LimiterOf(m.method))}};
    AddSample(&rejected, static_cast<double>(m.rejected), labels);
    AddSample(&shed, static_cast<double>(m.shed), labels);
  }
  for (MetricFamily* family : {&running, &waiting, &max_running, &max_waiting, &rejected, &shed}) {
    out->push_back(std::move(*family));
  }
  AddGauge(out, "storyline_admission_read_workers",
           "Reads that may run at once, whatever their class (the search threads).",
           stats.read_workers);
  AddGauge(out, "storyline_admission_reads_running", "Reads running now.", stats.reads_running);
}

}  // namespace storyline::server
