// storyline-server: serves StoryService and IngestService over gRPC, with
// health checking and server reflection.
//
//   storyline-server --index_dir=/var/lib/storyline --listen=0.0.0.0:50051
//
// SIGTERM/SIGINT start a graceful shutdown: the server stops accepting
// calls, in-flight calls get --shutdown_grace to finish, then the search
// workers and the writer drain.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "index/index_check.h"
#include "index/index_layout.h"
#include "index/index_writer.h"
#include "index/searcher_pool.h"
#include "index/write_pipeline.h"
#include "server/admission.h"
#include "server/connection_listener.h"
#include "server/health_monitor.h"
#include "server/ingest_service.h"
#include "server/json_log.h"
#include "server/metrics.h"
#include "server/page_token.h"
#include "server/rpc_observer.h"
#include "server/security.h"
#include "server/seed_loader.h"
#include "server/state_metrics.h"
#include "server/story_service.h"

ABSL_FLAG(std::string, listen, "localhost:50051",
          "Address to listen on, host:port. Port 0 picks a free port (see --port_file).");
ABSL_FLAG(std::string, index_dir, "storyline-index",
          "Directory of the Xapian index; created if missing.");
ABSL_FLAG(std::string, seed_jsonl, "",
          "If the index is empty at start-up, index this JSONL file of articles first.");
ABSL_FLAG(int, shards, 2,
          "Shards of a NEW index (existing indexes keep theirs). Each shard has its own "
          "writer thread, so ingest scales with cores; readers search all shards as one.");
ABSL_FLAG(int, search_threads, 0, "Search worker threads; 0 = one per core.");
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
ABSL_FLAG(int, flush_threshold, 300,
          "Documents Xapian buffers before flushing them to disk (sets "
          "XAPIAN_FLUSH_THRESHOLD unless the environment already does). Small batches keep "
          "the writer's in-memory maps small: 300 indexed 20news ~1.7x faster than Xapian's "
          "default of 10000 here (bench/README.md).");
ABSL_FLAG(bool, related_stories, true,
          "Serve SimilarStories and Recommend; --norelated_stories makes them answer "
          "UNIMPLEMENTED.");
ABSL_FLAG(int, semantic_rank, 150,
          "Dimensions of the latent semantic (LSA) space topic clustering works in; 0 turns "
          "the space off. Rebuilt in the background when the index changes.");
ABSL_FLAG(int, similarity_dims, 20,
          "Leading dimensions of that space SimilarStories blends with word overlap.");
ABSL_FLAG(bool, plain_ranking, false,
          "Rank searches with Xapian's defaults (BM25 defaults, no stop words, no semantic "
          "re-ranking) instead of Storyline's tuned ranking; for comparisons (bench/README.md).");
ABSL_FLAG(double, semantic_rerank_weight, 1.0,
          "Weight of semantic similarity when re-ranking a search's top 100 (0 = off).");
ABSL_FLAG(bool, inline_reads, false,
          "Run reads on gRPC's callback threads instead of the search pool (no thread hop; "
          "admission control still limits them).");
ABSL_FLAG(double, shutdown_grace_seconds, 10, "How long in-flight calls get at shutdown.");
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
          "Cheap reads that may wait for a slot; -1 = half of --max_inflight_cheap (at "
          "least 1).");
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
ABSL_FLAG(int, slow_query_ms, 1000,
          "RPCs at least this slow are logged at warn with their request; negative = never.");

namespace {

using namespace storyline;  // NOLINT: main file

constexpr rlim_t kFdReserve = 1024;

// How the server takes connections: TCP addresses through our own
// ConnectionListener (it caps connections), unix sockets through gRPC's.
struct Listening {
  std::unique_ptr<server::ConnectionListener> listener;
  std::unique_ptr<grpc::experimental::ExternalConnectionAcceptor> acceptor;
  int port = 0;
};

absl::StatusOr<Listening> Listen(grpc::ServerBuilder& builder,
                                 const std::shared_ptr<grpc::ServerCredentials>& credentials) {
  server::ApplyConnectionTimeouts(
      {.idle = absl::Milliseconds(absl::GetFlag(FLAGS_max_connection_idle_ms))}, builder);
  Listening out;
  const std::string listen = absl::GetFlag(FLAGS_listen);
  if (absl::StartsWith(listen, "unix")) {
    builder.AddListeningPort(listen, credentials, &out.port);
    return out;
  }
  int max_connections = absl::GetFlag(FLAGS_max_connections);
  if (max_connections <= 0) {
    // Leave the index, its readers and the metrics at least kFdReserve.
    struct rlimit nofile {};
    getrlimit(RLIMIT_NOFILE, &nofile);
    max_connections = static_cast<int>(std::clamp<rlim_t>(
        nofile.rlim_cur > kFdReserve ? nofile.rlim_cur - kFdReserve : 16, 16, 10000));
  }
  absl::StatusOr<std::unique_ptr<server::ConnectionListener>> listener =
      server::ConnectionListener::Bind(
          {.listen = listen, .max_connections = static_cast<size_t>(max_connections)});
  if (!listener.ok()) return listener.status();
  out.listener = *std::move(listener);
  out.port = out.listener->port();
  out.acceptor = builder.experimental().AddExternalConnectionAcceptor(
      grpc::ServerBuilder::experimental_type::ExternalConnectionType::FROM_FD, credentials);
  return out;
}

// Opens the index's writers. Xapian's write lock is held by a helper process
// that outlives a killed server by a moment, so a restart right after a
// crash waits for it (up to 10 s) instead of failing.
absl::StatusOr<std::vector<std::unique_ptr<index::IndexWriter>>> OpenWritersWaitingForLock(
    const std::string& dir, int shards) {
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  for (bool logged = false;; logged = true) {
    auto writers = index::OpenShardWriters(dir, shards);
    if (writers.ok() || !absl::IsUnavailable(writers.status()) || absl::Now() > give_up) {
      return writers;
    }
    if (!logged) spdlog::warn("index {} is locked; waiting for the lock (up to 10 s)", dir);
    absl::SleepFor(absl::Milliseconds(50));
  }
}

// Raises the open-file limit to its hard maximum: connections, shards and
// readers all need descriptors, and the default soft limit is often 1024.
void RaiseFileLimit() {
  struct rlimit nofile {};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
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
  if (!metrics.ok()) return metrics.status();
  (*metrics)->AddCollectable(std::make_shared<server::StateMetrics>(server::StateMetricsSources{
      .index_dir = index_dir, .semantic = semantic, .admission = admission, .listener = listener}));
  spdlog::info("metrics at http://{}/metrics (port {})", listen, (*metrics)->port());
  return metrics;
}

// Sets the services' health and keeps IngestService's following the
// writers: NOT_SERVING while a shard's writer has failed (disk full, out of
// descriptors...), SERVING again once it recovers.
grpc::HealthCheckServiceInterface* StartHealth(grpc::Server& server, index::WritePipeline& pipeline,
                                               server::Metrics* metrics) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  health->SetServingStatus("storyline.v1.StoryService", true);
  pipeline.SetHealthListener([health, metrics](bool writable) {
    health->SetServingStatus("storyline.v1.IngestService", writable);
    if (metrics != nullptr) metrics->WriterHealth(writable);
  });
  health->SetServingStatus("storyline.v1.IngestService", pipeline.writable());
  return health;
}

// --port_file: the bound port, written whole (readers never see half a file).
void WritePortFile(int port) {
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (port_file.empty()) return;
  const std::string tmp = port_file + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), port_file.c_str());
}

int Run() {
  RaiseFileLimit();
  // Block the shutdown signals before any thread starts, so every thread
  // inherits the mask and only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Past a file size limit, write() fails with EFBIG (reported, and the
  // writer recovers) instead of SIGXFSZ killing the server.
  signal(SIGXFSZ, SIG_IGN);

  // Before the index is touched, so a misconfigured server changes nothing.
  absl::StatusOr<server::Security> security =
      server::LoadSecurity({.listen = absl::GetFlag(FLAGS_listen),
                            .tls_cert_file = absl::GetFlag(FLAGS_tls_cert),
                            .tls_key_file = absl::GetFlag(FLAGS_tls_key),
                            .tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca),
                            .write_token_file = absl::GetFlag(FLAGS_write_token_file),
                            .read_token_file = absl::GetFlag(FLAGS_read_token_file),
                            .insecure_public = absl::GetFlag(FLAGS_insecure_public)});
  if (!security.ok()) {
    spdlog::error("{}", std::string(security.status().message()));
    return 1;
  }

  if (std::getenv("XAPIAN_FLUSH_THRESHOLD") == nullptr) {
    // Read by Xapian when the WritableDatabase opens, so set it first.
    setenv("XAPIAN_FLUSH_THRESHOLD", std::to_string(absl::GetFlag(FLAGS_flush_threshold)).c_str(),
           1);
  }
  const std::string index_dir = absl::GetFlag(FLAGS_index_dir);
  // Cheap integrity checks before serving anything: a damaged shard is
  // refused loudly here rather than found by a user's query.
  if (absl::Status s = index::QuickCheck(index_dir); !s.ok()) {
    spdlog::error("index {} failed its start-up check: {}", index_dir, s.ToString());
    return 1;
  }
  absl::StatusOr<std::vector<std::unique_ptr<index::IndexWriter>>> writers =
      OpenWritersWaitingForLock(index_dir, absl::GetFlag(FLAGS_shards));
  if (!writers.ok()) {
    spdlog::error("cannot open index {}: {}", index_dir, std::string(writers.status().message()));
    return 1;
  }
  uint64_t article_count = 0;
  for (const auto& w : *writers) article_count += w->ArticleCount();
  const size_t shards = writers->size();
  auto pipeline = std::make_unique<index::WritePipeline>(std::move(*writers));

  const std::string seed = absl::GetFlag(FLAGS_seed_jsonl);
  if (!seed.empty() && article_count == 0) {
    const absl::Time start = absl::Now();
    absl::StatusOr<server::SeedResult> seeded = server::SeedFromJsonl(seed, *pipeline);
    if (!seeded.ok()) {
      spdlog::error("seeding failed: {}", std::string(seeded.status().message()));
      return 1;
    }
    spdlog::info("seeded {} articles from {} ({} rejected) in {:.2f}s", seeded->indexed, seed,
                 seeded->rejected, absl::ToDoubleSeconds(absl::Now() - start));
    article_count = seeded->indexed;
  }
  std::unique_ptr<index::SemanticSpace> semantic;
  if (const int rank = absl::GetFlag(FLAGS_semantic_rank); rank > 0) {
    semantic = std::make_unique<index::SemanticSpace>(index::SemanticSpaceOptions{
        .index_dir = index_dir,
        .lsa = {.rank = rank, .similarity_dims = absl::GetFlag(FLAGS_similarity_dims)}});
  }
  auto pool = std::make_unique<index::SearcherPool>(index::SearcherPoolOptions{
      .index_dir = index_dir,
      .threads = absl::GetFlag(FLAGS_search_threads),
      .semantic = semantic.get(),
      .ranking = {.plain = absl::GetFlag(FLAGS_plain_ranking),
                  .semantic_weight = absl::GetFlag(FLAGS_semantic_rerank_weight)}});
  // Reflection describes services from the generated descriptor pool; the
  // health proto's descriptors live in a static library object nothing else
  // references, so touch them to link them in.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  absl::StatusOr<Listening> listening = Listen(builder, security->credentials);
  if (!listening.ok()) {
    spdlog::error("{}", listening.status().ToString());
    return 1;
  }
  server::Admission admission(AdmissionFromFlags(pool->threads()));
  absl::StatusOr<std::unique_ptr<server::Metrics>> metrics =
      StartMetrics(index_dir, semantic.get(), &admission, listening->listener.get());
  if (!metrics.ok()) {
    spdlog::error("{}", std::string(metrics.status().message()));
    return 1;
  }
  std::string key = absl::GetFlag(FLAGS_page_token_key);
  if (key.empty()) key = server::PageTokenCodec::RandomKey();
  const server::PageTokenCodec tokens(key);

  server::StoryService story(pool.get(), &tokens,
                             {.related_stories = absl::GetFlag(FLAGS_related_stories),
                              .inline_reads = absl::GetFlag(FLAGS_inline_reads),
                              .auth = security->auth.get(),
                              .admission = &admission,
                              .max_response_bytes = static_cast<size_t>(
                                  std::max<int64_t>(0, absl::GetFlag(FLAGS_max_response_bytes)))});
  server::IngestService ingest(pipeline.get(), security->auth.get(), &admission,
                               absl::Milliseconds(absl::GetFlag(FLAGS_ingest_checkpoint_ms)));

  builder.RegisterService(&story);
  builder.RegisterService(&ingest);
  builder.experimental().SetInterceptorCreators(ObserverFromFlags(metrics->get()));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || listening->port == 0) {
    spdlog::error("cannot listen on {} (address in use or invalid)", absl::GetFlag(FLAGS_listen));
    return 1;
  }
  if (listening->listener != nullptr) listening->listener->Start(listening->acceptor.get());
  const int port = listening->port;
  grpc::HealthCheckServiceInterface* health = StartHealth(*server, *pipeline, metrics->get());
  auto monitor = std::make_unique<server::HealthMonitor>(index_dir, health);
  WritePortFile(port);
  spdlog::info(
      "storyline-server listening on {} (port {}), index {} with {} articles in {} "
      "shard(s), {} search threads; {}",
      absl::GetFlag(FLAGS_listen), port, index_dir, article_count, shards, pool->threads(),
      security->summary);

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down (grace {}s)", sig == SIGTERM ? "SIGTERM" : "SIGINT",
               absl::GetFlag(FLAGS_shutdown_grace_seconds));
  monitor.reset();
  if (semantic != nullptr) semantic->Stop();  // a build in progress must not eat the grace
  if (listening->listener != nullptr) listening->listener->Stop();
  health->Shutdown();
  server->Shutdown(
      absl::ToChronoTime(absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds))));
  spdlog::debug("server shut down");
  server->Wait();
  spdlog::debug("server drained");
  pool.reset();                      // runs queued searches, joins workers
  if (*metrics) (*metrics)->Stop();  // no scrapes of what is torn down next
  semantic.reset();                  // after the searchers that read it
  pipeline.reset();                  // runs queued writes (commits included), joins the writer
  spdlog::info("storyline-server stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Storyline news search server.\n  storyline-server --index_dir=DIR [--listen=HOST:PORT] "
      "[--seed_jsonl=FILE]\n  [--tls_cert=FILE --tls_key=FILE [--tls_client_ca=FILE]] "
      "[--write_token_file=FILE [--read_token_file=FILE]] [--insecure_public]\n"
      "A non-loopback --listen needs TLS and a write token, or --insecure_public.");
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<server::LogFormat> log_format =
      server::ParseLogFormat(absl::GetFlag(FLAGS_log_format));
  if (!log_format.ok()) {
    spdlog::error("{}", std::string(log_format.status().message()));
    return 2;
  }
  server::SetLogFormat(*log_format);
  spdlog::set_level(spdlog::level::from_str(absl::GetFlag(FLAGS_log_level)));
  return Run();
}
