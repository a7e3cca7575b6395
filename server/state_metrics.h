// Metrics read when Prometheus scrapes, rather than counted as they happen:
//
//   storyline_index_articles, _revision, _disk_bytes,
//   storyline_index_last_commit_timestamp_seconds   (the index's own stats)
//   storyline_semantic_model_articles, _age_seconds, _build_seconds
//   storyline_admission_running, _waiting, _max_running, _max_waiting
//                                  (per limiter, see server/admission.h)
//   storyline_admission_read_workers, _reads_running
//   storyline_rpcs_rejected_total, storyline_rpcs_shed_total   (per method)
//   storyline_open_connections   (the gRPC server's open client connections)
//
// Index stats come from a Searcher of this collector's own (not the search
// pool), so a scrape is answered even when every worker is busy.
//
// Thread-safety: Collect() is thread-safe (scrapes are serialized).
#ifndef STORYLINE_SERVER_STATE_METRICS_H_
#define STORYLINE_SERVER_STATE_METRICS_H_

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "index/searcher.h"
#include "index/semantic_space.h"
#include "server/admission.h"
#include "server/connection_listener.h"

namespace storyline::server {

struct StateMetricsSources {
  // The index to report on.
  std::string index_dir;
  // Each may be null (its metrics are then left out); none is owned, all
  // must outlive the collector.
  const index::SemanticSpace* semantic = nullptr;
  const Admission* admission = nullptr;
  // Report storyline_open_connections: from `listener` when the server
  // accepts through one (TCP), else from gRPC's channelz (which does not
  // see connections handed to gRPC by a ConnectionListener).
  bool connections = true;
  const ConnectionListener* listener = nullptr;
};

class StateMetrics final : public prometheus::Collectable {
 public:
  explicit StateMetrics(StateMetricsSources sources);
  ~StateMetrics() override;

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  void CollectIndex(std::vector<prometheus::MetricFamily>* out) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CollectSemantic(std::vector<prometheus::MetricFamily>* out) const;
  void CollectAdmission(std::vector<prometheus::MetricFamily>* out) const;

  const StateMetricsSources sources_;
  mutable absl::Mutex mu_;
  mutable std::unique_ptr<index::Searcher> searcher_ ABSL_GUARDED_BY(mu_);
};

// Open client connections of every gRPC server in this process, counted
// from channelz; -1 if channelz cannot tell.
int CountServerConnections();

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_STATE_METRICS_H_
