// storyline-server: serves StoryService and IngestService over gRPC, with
// health checking and server reflection.
//
//   storyline-server --index_dir=/var/lib/storyline --listen=0.0.0.0:50051
//
// SIGTERM/SIGINT start a graceful shutdown: the server stops accepting
// calls, in-flight calls get --shutdown_call_timeout_seconds to finish
// before they are cancelled, then the search workers and the writers drain.
// SIGHUP reloads the --synonyms file.
//
// Flags live here; the steps that need none are in server/startup.h and
// server/listening.h.
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/tool_usage.h"
#include "index/index_check.h"
#include "index/index_layout.h"
#include "index/lsa_file.h"
#include "index/searcher_pool.h"
#include "index/semantic_space.h"
#include "index/shard_spec.h"
#include "index/write_pipeline.h"
#include "server/admission.h"
#include "server/health_monitor.h"
#include "server/ingest_service.h"
#include "server/json_log.h"
#include "server/listening.h"
#include "server/metrics.h"
#include "server/opened_index.h"
#include "server/page_token.h"
#include "server/reflection_service.h"
#include "server/replica_startup.h"
#include "server/replica_sync.h"
#include "server/replication.h"
#include "server/rpc_observer.h"
#include "server/security.h"
#include "server/seed_loader.h"
#include "server/startup.h"
#include "server/state_metrics.h"
#include "server/story_service.h"
#include "server/synonym_reload.h"
#include "storyline/build_info.h"

ABSL_FLAG(std::string, listen, "localhost:50051",
          "Address to listen on, host:port. Port 0 picks a free port (see --port_file).");
ABSL_FLAG(std::string, index_dir, "storyline-index",
          "Directory of the Xapian index; created if missing.");
ABSL_FLAG(int, search_threads, 0,
          "Search worker threads; 0 = one per usable core (the CPU affinity mask and cgroup CPU "
          "quota count, e.g. a Kubernetes CPU limit).");
ABSL_FLAG(std::string, log_level, "info", "trace, debug, info, warn, error or off.");
ABSL_FLAG(std::string, port_file, "",
          "If set, write the bound port number to this file once serving.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain; enables TLS with --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA certificates; with it the server requires every client to present a "
          "certificate signed by one of them (mutual TLS). Needs --tls_cert/--tls_key.");
ABSL_FLAG(std::string, write_token_file, "",
          "File holding the write token (one trailing newline is ignored). Once set, "
          "IngestService calls need the metadata 'authorization: Bearer <write token>'.");
ABSL_FLAG(std::string, read_token_file, "",
          "File holding the read token; StoryService calls then need it (or the write "
          "token). Needs --write_token_file. Unset: reads are open.");
ABSL_FLAG(bool, insecure_public, false,
          "Allow a non-loopback --listen address without TLS and a write token (anyone who "
          "reaches the port could then read, or rewrite, the index).");
ABSL_FLAG(std::string, page_token_key, "",
          "Secret that seals page tokens; random per process when empty (tokens then "
          "expire on restart). Set the same value on replicas behind one load balancer.");
ABSL_FLAG(bool, related_stories, true,
          "Serve SimilarStories and Recommend; --norelated_stories makes them answer "
          "UNIMPLEMENTED.");
ABSL_FLAG(int, semantic_rank, 150,
          "Dimensions of the latent semantic (LSA) space topic clustering works in; 0 turns "
          "the space off. Rebuilt in the background when the index changes.");
ABSL_FLAG(int, semantic_max_mb, 280,
          "Memory the semantic model may take, in MiB (16 to 65536). Below about 850,000 "
          "articles the default is not reached; past it the space gets fewer dimensions.");
ABSL_FLAG(bool, save_semantic_model, true,
          "Save the semantic model in INDEX_DIR/semantic-model after each build and map it back "
          "at start-up instead of rebuilding it.");
ABSL_FLAG(bool, semantic_idle_priority, true,
          "Build the semantic model under SCHED_IDLE, on CPU time queries leave (a saturated "
          "server keeps its older model longer); false builds it at normal priority, for a "
          "new replica that should get its model soon, or tests on a loaded machine.");
ABSL_FLAG(int, similarity_dims, 20,
          "Leading dimensions of that space SimilarStories blends with word overlap.");
ABSL_FLAG(bool, plain_ranking, false,
          "Rank searches with Xapian's defaults (BM25 defaults, no stop words, no semantic "
          "re-ranking) instead of Storyline's tuned ranking; for comparisons (bench/README.md).");
ABSL_FLAG(double, semantic_rerank_weight, 1.0,
          "Weight of semantic similarity when re-ranking a search's top matches (0 = off).");
ABSL_FLAG(int, rerank_depth, 100,
          "How many of a search's best BM25 matches the semantic re-ranking reorders (1 to "
          "1000); deeper costs Xapian's matcher more (bench/README.md).");
ABSL_FLAG(bool, inline_reads, true,
          "Run the cheap reads (Search, GetArticle, GetIndexStats) on gRPC's callback threads "
          "instead of the search pool (no thread hop; admission control still limits them). "
          "SimilarStories, Recommend and TopicClusters always run on the pool.");
ABSL_FLAG(double, shutdown_call_timeout_seconds, 10,
          "At SIGTERM/SIGINT: how long calls already in flight may keep running before they "
          "are cancelled. It does not bound the whole shutdown: searches and writes already "
          "queued still drain after it.");
ABSL_FLAG(double, shutdown_grace_seconds, -1,
          "Deprecated: the old name of --shutdown_call_timeout_seconds; when set, it wins.");
ABSL_FLAG(int64_t, ingest_checkpoint_ms, 1000,
          "How often an IngestArticles stream commits and acknowledges how far it got.");
ABSL_FLAG(int, max_connections, 0,
          "Client connections open at once; more are closed on arrival (clients see "
          "UNAVAILABLE). 0 = the open-file limit minus 1024 kept for the index, at most 10000.");
ABSL_FLAG(int64_t, max_connection_idle_ms, 300000,
          "Close a connection that has had no call for this long (it reconnects on its next "
          "call), so idle and abandoned connections do not pile up.");
ABSL_FLAG(int, max_inflight_cheap, 0,
          "Cheap reads (Search, GetArticle, GetIndexStats together) that run at once; 0 = the "
          "search threads. All reads together never run on more than the search threads, and "
          "medium and expensive ones on at most half of them (rounded up). Past a limit and "
          "its queue, calls get RESOURCE_EXHAUSTED at once with a retry delay.");
ABSL_FLAG(int, max_inflight_medium, 0,
          "Medium reads (SimilarStories, Recommend together) that run at once; 0 = max(1, "
          "search threads / 2).");
ABSL_FLAG(int, max_inflight_expensive, 0,
          "TopicClusters calls that run at once (0 = max(1, search threads / 2)), and likewise "
          "ingest streams and deletes, each their own limit (0 = max(1, cores / 2)).");
ABSL_FLAG(int, max_waiting_cheap, -1,
          "Cheap reads that may wait for a slot once a queue has stood for 100 ms; -1 = half "
          "of --max_inflight_cheap (at least 1), and 8 per slot while a queue is younger (a "
          "burst). Set by hand, it is the length for bursts too.");
ABSL_FLAG(int, max_waiting_medium, -1,
          "Medium reads that may wait for a slot; -1 = half of --max_inflight_medium.");
ABSL_FLAG(int, max_waiting_expensive, -1,
          "TopicClusters calls (and ingest streams) that may wait for a slot (deletes never "
          "wait); -1 = half of --max_inflight_expensive.");
ABSL_FLAG(int64_t, max_response_bytes, 16 << 20,
          "Largest reply. Search and SimilarStories with include_body leave bodies out of the "
          "last results to fit (and say so); other replies over it are refused "
          "(RESOURCE_EXHAUSTED). 0 = no limit. Clients must accept this size (storyline::Client "
          "accepts 64 MiB).");
ABSL_FLAG(std::string, metrics_listen, "",
          "Serve Prometheus metrics at http://HOST:PORT/metrics (port 0 picks one; it is "
          "logged). Empty: no metrics.");
ABSL_FLAG(std::string, log_format, "text",
          "text, or json: one JSON object per line (one per RPC, with method, code, latency, "
          "peer and request id).");
ABSL_FLAG(int, TEST_read_delay_ms, 0,
          "Test only: every read waits this long on its worker before the index work, so "
          "tests can make a call outlast its deadline on the server. Never set it in use.");
ABSL_FLAG(std::string, synonyms, "",
          "Synonym file: one group a line, comma-separated (\"us, usa, united states\"); "
          "blank lines and # comments allowed. Query words in a group also search the rest "
          "of it. Re-read on SIGHUP (a bad file is logged and the old synonyms stay).");
ABSL_FLAG(int, slow_query_ms, 1000,
          "RPCs at least this slow are logged at warn with their request; negative = never.");

namespace {

using namespace storyline;  // NOLINT: main file

absl::StatusOr<server::Security> SecurityFromFlags() {
  return server::LoadSecurity({.listen = absl::GetFlag(FLAGS_listen),
                               .tls_cert_file = absl::GetFlag(FLAGS_tls_cert),
                               .tls_key_file = absl::GetFlag(FLAGS_tls_key),
                               .tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca),
                               .write_token_file = absl::GetFlag(FLAGS_write_token_file),
                               .read_token_file = absl::GetFlag(FLAGS_read_token_file),
                               .insecure_public = absl::GetFlag(FLAGS_insecure_public)});
}

// --semantic_rank: the LSA space, or null when it is off.
std::unique_ptr<index::SemanticSpace> SemanticSpaceFromFlags(const std::string& index_dir) {
  const int rank = absl::GetFlag(FLAGS_semantic_rank);
  if (rank <= 0) return nullptr;
  return std::make_unique<index::SemanticSpace>(index::SemanticSpaceOptions{
      .index_dir = index_dir,
      .lsa = {.rank = rank,
              .similarity_dims = absl::GetFlag(FLAGS_similarity_dims),
              .max_memory_bytes = static_cast<uint64_t>(absl::GetFlag(FLAGS_semantic_max_mb))
                                  << 20},
      .model_file = absl::GetFlag(FLAGS_save_semantic_model)
                        ? (std::filesystem::path(index_dir) / index::kSemanticModelFile).string()
                        : std::string(),
      .idle_priority = absl::GetFlag(FLAGS_semantic_idle_priority)});
}

std::unique_ptr<index::SearcherPool> SearcherPoolFromFlags(const std::string& index_dir,
                                                           const index::SemanticSpace* semantic,
                                                           const index::SynonymSet* synonyms) {
  return std::make_unique<index::SearcherPool>(index::SearcherPoolOptions{
      .index_dir = index_dir,
      .threads = absl::GetFlag(FLAGS_search_threads),
      .semantic = semantic,
      .ranking = {.plain = absl::GetFlag(FLAGS_plain_ranking),
                  .semantic_weight = absl::GetFlag(FLAGS_semantic_rerank_weight),
                  .rerank_depth = absl::GetFlag(FLAGS_rerank_depth)},
      .synonyms = synonyms});
}

absl::StatusOr<server::Listening> ListenFromFlags(
    grpc::ServerBuilder& builder, const std::shared_ptr<grpc::ServerCredentials>& credentials) {
  absl::StatusOr<server::Listening> listening = server::Listen(
      {.listen = absl::GetFlag(FLAGS_listen),
       .max_connections = absl::GetFlag(FLAGS_max_connections),
       .max_connection_idle = absl::Milliseconds(absl::GetFlag(FLAGS_max_connection_idle_ms))},
      builder, credentials);
  if (!listening.ok()) return server::Failure(listening.status(), listening.status().ToString());
  return listening;
}

// Reads are admitted up to the search workers, so they never queue for one.
server::AdmissionOptions AdmissionFromFlags(int search_workers) {
  server::AdmissionOptions options;
  options.read_workers = search_workers;
  options.limits = {server::AdmissionLimits{absl::GetFlag(FLAGS_max_inflight_cheap),
                                            absl::GetFlag(FLAGS_max_waiting_cheap)},
                    server::AdmissionLimits{absl::GetFlag(FLAGS_max_inflight_medium),
                                            absl::GetFlag(FLAGS_max_waiting_medium)},
                    server::AdmissionLimits{absl::GetFlag(FLAGS_max_inflight_expensive),
                                            absl::GetFlag(FLAGS_max_waiting_expensive)}};
  return options;
}

// The interceptor that logs every call and counts it in `metrics`.
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
ObserverFromFlags(server::Metrics* metrics) {
  const int slow_ms = absl::GetFlag(FLAGS_slow_query_ms);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<server::RpcObserverFactory>(server::RpcObserverOptions{
      .log_format = server::ParseLogFormat(absl::GetFlag(FLAGS_log_format))
                        .value_or(server::LogFormat::kText),
      .slow_query = slow_ms < 0 ? absl::InfiniteDuration() : absl::Milliseconds(slow_ms),
      .metrics = metrics}));
  return creators;
}

// --metrics_listen: the exposer plus the values read at each scrape.
absl::StatusOr<std::unique_ptr<server::Metrics>> StartMetrics(
    const std::string& index_dir, const index::SemanticSpace* semantic,
    const server::Admission* admission, const server::ConnectionListener* listener) {
  const std::string listen = absl::GetFlag(FLAGS_metrics_listen);
  if (listen.empty()) return nullptr;
  absl::StatusOr<std::unique_ptr<server::Metrics>> metrics = server::Metrics::Start(listen);
  if (!metrics.ok())
    return server::Failure(metrics.status(), std::string(metrics.status().message()));
  (*metrics)->AddCollectable(std::make_shared<server::StateMetrics>(server::StateMetricsSources{
      .index_dir = index_dir, .semantic = semantic, .admission = admission, .listener = listener}));
  spdlog::info("metrics at http://{}/metrics (port {})", listen, (*metrics)->port());
  return metrics;
}

// --page_token_key, or a random key per process.
std::string PageTokenKeyFromFlags() {
  std::string key = absl::GetFlag(FLAGS_page_token_key);
  return key.empty() ? server::PageTokenCodec::RandomKey() : key;
}

server::StoryServiceOptions StoryOptionsFromFlags(const server::Security& security,
                                                  server::Admission* admission,
                                                  const server::ReplicaSync* replica) {
  return {.related_stories = absl::GetFlag(FLAGS_related_stories),
          .inline_reads = absl::GetFlag(FLAGS_inline_reads),
          .auth = security.auth.get(),
          .admission = admission,
          .max_response_bytes =
              static_cast<size_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_max_response_bytes))),
          .replica = replica,
          .TEST_read_delay = absl::Milliseconds(absl::GetFlag(FLAGS_TEST_read_delay_ms))};
}

// --shutdown_call_timeout_seconds, or its deprecated old name when given.
double ShutdownCallTimeoutSeconds() {
  const double old_name = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  return old_name >= 0 ? old_name : absl::GetFlag(FLAGS_shutdown_call_timeout_seconds);
}

// Health checking; reflection (v1 and v1alpha) is served by our own
// services (server/reflection_service.h), from the embedded descriptor set
// with the proto comments.
void EnableHealth() { grpc::EnableDefaultHealthCheckService(true); }

absl::Status Run() {
  // Once, first: which build answers (a release build says NDEBUG defined).
  spdlog::info("{}", VersionLine("storyline-server"));
  server::RaiseFileLimit();
  const sigset_t signals = server::BlockShutdownSignals();
  // Before the index is touched, so a misconfigured server changes nothing.
  ASSIGN_OR_RETURN(const server::Security security, SecurityFromFlags());
  index::SynonymSet synonyms;  // outlives the searchers
  server::SynonymReloader synonym_reloader(absl::GetFlag(FLAGS_synonyms), &synonyms);
  RETURN_IF_ERROR(synonym_reloader.Load());
  const std::string index_dir = absl::GetFlag(FLAGS_index_dir);
  ASSIGN_OR_RETURN(server::OpenedIndex opened, server::OpenIndexOrReplica(index_dir));
  std::unique_ptr<index::SemanticSpace> semantic = SemanticSpaceFromFlags(index_dir);
  std::unique_ptr<index::SearcherPool> pool =
      SearcherPoolFromFlags(index_dir, semantic.get(), &synonyms);
  EnableHealth();
  ASSIGN_OR_RETURN(const std::unique_ptr<server::ReflectionIndex> reflection,
                   server::ReflectionIndex::Embedded());
  server::ReflectionServiceV1 reflection_v1(reflection.get());
  server::ReflectionServiceV1Alpha reflection_v1alpha(reflection.get());
  grpc::ServerBuilder builder;
  ASSIGN_OR_RETURN(server::Listening listening, ListenFromFlags(builder, security.credentials));
  server::Admission admission(AdmissionFromFlags(pool->threads()));
  ASSIGN_OR_RETURN(std::unique_ptr<server::Metrics> metrics,
                   StartMetrics(index_dir, semantic.get(), &admission, listening.listener.get()));
  const server::PageTokenCodec tokens(PageTokenKeyFromFlags());
  server::StoryService story(pool.get(), &tokens,
                             StoryOptionsFromFlags(security, &admission, opened.replica.get()));
  std::unique_ptr<server::IngestService> ingest =
      server::MakeIngestService(opened.pipeline.get(),
                                server::WriterToName(absl::GetFlag(FLAGS_writer_address),
                                                     absl::GetFlag(FLAGS_replicate_from)),
                                security.auth.get(), &admission,
                                absl::Milliseconds(absl::GetFlag(FLAGS_ingest_checkpoint_ms)));
  builder.RegisterService(&story);
  builder.RegisterService(ingest.get());
  builder.RegisterService(&reflection_v1);
  builder.RegisterService(&reflection_v1alpha);
  builder.experimental().SetInterceptorCreators(ObserverFromFlags(metrics.get()));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || listening.port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", absl::GetFlag(FLAGS_listen),
                                               " (address in use or invalid)"));
  }
  if (listening.listener != nullptr) listening.listener->Start(listening.acceptor.get());
  grpc::HealthCheckServiceInterface* health = server::StartHealthForRole(
      *server, opened.pipeline.get(), opened.replica.get(), metrics.get());
  auto monitor = opened.replica ? nullptr  // the replica's own, once it has a copy
                                : std::make_unique<server::HealthMonitor>(index_dir, health);
  server::WritePortFile(absl::GetFlag(FLAGS_port_file), listening.port);
  spdlog::info(
      "storyline-server listening on {} (port {}), index {} with {} articles in {} "
      "shard(s), {} search threads; {}",
      absl::GetFlag(FLAGS_listen), listening.port, index_dir, opened.article_count, opened.shards,
      pool->threads(), security.summary);

  const int sig = server::WaitReloadingSynonyms(signals, synonym_reloader);
  spdlog::info("received {}, shutting down (calls in flight get {}s)",
               sig == SIGTERM ? "SIGTERM" : "SIGINT", ShutdownCallTimeoutSeconds());
  opened.replica.reset();  // stops syncing and its health monitor
  server::StopServing(*server, health, listening.listener.get(), semantic.get(), std::move(monitor),
                      absl::Seconds(ShutdownCallTimeoutSeconds()));
  pool.reset();                  // runs queued searches, joins workers
  if (metrics) metrics->Stop();  // no scrapes of what is torn down next
  semantic.reset();              // after the searchers that read it
  opened.pipeline.reset();       // runs queued writes (commits included), joins the writers
  opened.publisher.reset();      // after the last commit, which replicas may still fetch
  spdlog::info("storyline-server stopped");
  return absl::OkStatus();
}

}  // namespace
int main(int argc, char** argv) {
  common::SetToolUsage(
      "Storyline news search server.\n  storyline-server --index_dir=DIR [--listen=HOST:PORT] "
      "[--seed_jsonl=FILE]\n  [--tls_cert=FILE --tls_key=FILE [--tls_client_ca=FILE]] "
      "[--write_token_file=FILE [--read_token_file=FILE]] [--insecure_public]\n"
      "A non-loopback --listen needs TLS and a write token, or --insecure_public.",
      "server/server_main.cc", VersionLine("storyline-server"));
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<server::LogFormat> log_format =
      server::ParseLogFormat(absl::GetFlag(FLAGS_log_format));
  if (!log_format.ok()) {
    spdlog::error("{}", std::string(log_format.status().message()));
    return 2;
  }
  server::SetLogFormat(*log_format);
  absl::StatusOr<spdlog::level::level_enum> log_level =
      server::ParseLogLevel(absl::GetFlag(FLAGS_log_level));
  if (!log_level.ok()) {
    spdlog::error("{}", std::string(log_level.status().message()));
    return 2;
  }
  spdlog::set_level(*log_level);
  if (const int depth = absl::GetFlag(FLAGS_rerank_depth); depth < 1 || depth > 1000) {
    spdlog::error("--rerank_depth is {}; use 1 to 1000 (100 is the default)", depth);
    return 2;
  }
  if (const int mb = absl::GetFlag(FLAGS_semantic_max_mb); mb < 16 || mb > 65536) {
    spdlog::error("--semantic_max_mb is {}; use 16 to 65536 (280 is the default)", mb);
    return 2;
  }
  if (absl::Status s = server::CheckReplicaFlags(absl::GetFlag(FLAGS_read_only),
                                                 absl::GetFlag(FLAGS_replicate_from),
                                                 absl::GetFlag(FLAGS_seed_jsonl));
      !s.ok()) {
    spdlog::error("{}", std::string(s.message()));
    return 2;
  }
  if (absl::GetFlag(FLAGS_shutdown_grace_seconds) >= 0) {
    spdlog::warn("--shutdown_grace_seconds is deprecated; use --shutdown_call_timeout_seconds");
  }
  if (absl::Status s = Run(); !s.ok()) {
    spdlog::error("{}", std::string(s.message()));
    return 1;
  }
  return 0;
}
