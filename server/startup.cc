#include "server/startup.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "index/index_layout.h"

namespace storyline::server {

void RaiseFileLimit() {
  struct rlimit nofile {};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
}

sigset_t BlockShutdownSignals() {
  // Blocked before any thread starts, so every thread inherits the mask and
  // only sigwait() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);  // reloads --synonyms (WaitForSignal returns it)
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Past a file size limit, write() fails with EFBIG (reported, and the
  // writer recovers) instead of SIGXFSZ killing the server.
  signal(SIGXFSZ, SIG_IGN);
  return signals;
}

int WaitForShutdownSignal(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  return sig;
}

absl::StatusOr<std::vector<std::unique_ptr<index::IndexWriter>>> OpenWritersWaitingForLock(
    const std::string& dir, int shards, const std::vector<index::ShardSpec>& remote_if_new) {
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  for (bool logged = false;; logged = true) {
    auto writers = index::OpenShardWriters(dir, shards, remote_if_new);
    if (writers.ok() || !absl::IsUnavailable(writers.status()) || absl::Now() > give_up) {
      return writers;
    }
    if (!logged) spdlog::warn("index {} is locked; waiting for the lock (up to 10 s)", dir);
    absl::SleepFor(absl::Milliseconds(50));
  }
}

grpc::HealthCheckServiceInterface* StartHealth(grpc::Server& server, index::WritePipeline& pipeline,
                                               Metrics* metrics) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  health->SetServingStatus("storyline.v1.StoryService", true);
  pipeline.SetHealthListener([health, metrics](bool writable) {
    health->SetServingStatus("storyline.v1.IngestService", writable);
    if (metrics != nullptr) metrics->WriterHealth(writable);
  });
  health->SetServingStatus("storyline.v1.IngestService", pipeline.writable());
  return health;
}

void WritePortFile(const std::string& path, int port) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

int WaitReloadingSynonyms(const sigset_t& signals, SynonymReloader& reloader) {
  for (;;) {
    const int sig = WaitForShutdownSignal(signals);
    if (sig != SIGHUP) return sig;
    reloader.Reload().IgnoreError();  // logged; the old synonyms stay
  }
}

void StopServing(grpc::Server& server, grpc::HealthCheckServiceInterface* health,
                 ConnectionListener* listener, index::SemanticSpace* semantic,
                 std::unique_ptr<HealthMonitor> monitor, absl::Duration call_timeout) {
  monitor.reset();
  if (semantic != nullptr) semantic->Stop();  // a build in progress must not eat the timeout
  if (listener != nullptr) listener->Stop();
  health->Shutdown();
  server.Shutdown(absl::ToChronoTime(absl::Now() + call_timeout));
  spdlog::debug("server shut down");
  server.Wait();
  spdlog::debug("server drained");
}

}  // namespace storyline::server
