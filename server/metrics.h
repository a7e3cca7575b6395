// Prometheus metrics of the server, served over HTTP at /metrics
// (--metrics_listen) by prometheus-cpp's pull exposer.
//
// Metrics holds what is counted as it happens (calls by method and code,
// latency histograms, calls in flight, ingest and delete counts, writer
// failures). Values that are cheaper to read when scraped (index size and
// revision, semantic model age, admission queues, open connections) come
// from collectables added with AddCollectable() (see server/state_metrics.h).
//
// Thread-safety: every method is thread-safe.
#ifndef STORYLINE_SERVER_METRICS_H_
#define STORYLINE_SERVER_METRICS_H_

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace storyline::server {

class Metrics {
 public:
  // Serves /metrics on `listen` ("host:port"; port 0 picks a free one).
  // kUnavailable if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(const std::string& listen);
  ~Metrics();

  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The port /metrics is served on.
  int port() const { return port_; }

  // Stops serving /metrics (and so reading the collectables); counting
  // still works. Call before tearing down what the collectables read.
  void Stop();

  // A call of `method` ("Search", "grpc.health.v1.Health/Check") arrived.
  void CallStarted(absl::string_view method);
  // ...and finished with `code` (a grpc::StatusCode name, e.g. "OK") after
  // `latency`.
  void CallFinished(absl::string_view method, absl::string_view code, absl::Duration latency);

  // `n` articles arrived on ingest streams (counted as they are read).
  void ArticlesReceived(int64_t n);
  // An ingest stream committed: new, replaced and rejected articles.
  void IngestCommitted(int64_t indexed, int64_t updated, int64_t rejected);
  // A delete committed `n` deletions.
  void ArticlesDeleted(int64_t n);
  // The index became (un)writable: a writer failed, or every one recovered.
  void WriterHealth(bool writable);

  // Adds `collectable`, read at every scrape (held weakly by the exposer,
  // strongly here).
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);

 private:
  Metrics(std::unique_ptr<prometheus::Exposer> exposer, int port);

  prometheus::Counter& ArticleCounter(const std::string& result);

  const std::shared_ptr<prometheus::Registry> registry_;
  const int port_;

  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
  prometheus::Family<prometheus::Counter>& articles_;
  prometheus::Counter& writer_failures_;
  prometheus::Gauge& writable_;

  absl::Mutex mu_;
  std::unique_ptr<prometheus::Exposer> exposer_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_ ABSL_GUARDED_BY(mu_);
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_METRICS_H_
