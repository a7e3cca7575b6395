#include "server/metrics.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"

namespace storyline::server {
namespace {

// Latency buckets, seconds: from a cached GetArticle to a 10,000-document
// TopicClusters.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *buckets;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(const std::string& listen) {
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen, " (--metrics_listen): ", e.what()));
  }
  const std::vector<int> ports = exposer->GetListeningPorts();
  if (ports.empty()) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", listen, " (--metrics_listen)"));
  }
  return std::unique_ptr<Metrics>(new Metrics(std::move(exposer), ports.front()));
}

Metrics::Metrics(std::unique_ptr<prometheus::Exposer> exposer, int port)
    : registry_(std::make_shared<prometheus::Registry>()),
      port_(port),
      calls_(prometheus::BuildCounter()
                 .Name("storyline_rpcs_total")
                 .Help("Finished RPCs by method and status code.")
                 .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("storyline_rpc_latency_seconds")
                   .Help("RPC latency from arrival to status, by method.")
                   .Register(*registry_)),
      in_flight_(prometheus::BuildGauge()
                     .Name("storyline_rpcs_in_flight")
                     .Help("RPCs arrived and not yet finished (running or waiting), by method.")
                     .Register(*registry_)),
      articles_(prometheus::BuildCounter()
                    .Name("storyline_ingest_articles_total")
                    .Help("Articles by what happened to them: received (read from an ingest "
                          "stream), indexed (new), updated (replaced), rejected (invalid), "
                          "deleted. rate(...{result=\"received\"}) is the ingest rate.")
                    .Register(*registry_)),
      writer_failures_(prometheus::BuildCounter()
                           .Name("storyline_writer_failures_total")
                           .Help("Times the index stopped being writable because a shard's "
                                 "writer failed (disk full, out of descriptors, ...).")
                           .Register(*registry_)
                           .Add({})),
      writable_(prometheus::BuildGauge()
                    .Name("storyline_index_writable")
                    .Help("1 while every shard's writer can write, 0 while one has failed.")
                    .Register(*registry_)
                    .Add({})),
      exposer_(std::move(exposer)) {
  writable_.Set(1);
  for (const char* result : {"received", "indexed", "updated", "rejected", "deleted"}) {
    ArticleCounter(result);  // present (at 0) from the start, so rate() works at once
  }
  exposer_->RegisterCollectable(registry_);
}

Metrics::~Metrics() = default;

void Metrics::Stop() {
  absl::MutexLock lock(&mu_);
  exposer_.reset();
  collectables_.clear();
}

void Metrics::CallStarted(absl::string_view method) {
  in_flight_.Add({{"method", std::string(method)}}).Increment();
}

void Metrics::CallFinished(absl::string_view method, absl::string_view code,
                           absl::Duration latency) {
  const std::string m(method);
  in_flight_.Add({{"method", m}}).Decrement();
  calls_.Add({{"method", m}, {"code", std::string(code)}}).Increment();
  latency_.Add({{"method", m}}, LatencyBuckets()).Observe(absl::ToDoubleSeconds(latency));
}

prometheus::Counter& Metrics::ArticleCounter(const std::string& result) {
  return articles_.Add({{"result", result}});
}

void Metrics::ArticlesReceived(int64_t n) { ArticleCounter("received").Increment(n); }

void Metrics::IngestCommitted(int64_t indexed, int64_t updated, int64_t rejected) {
  ArticleCounter("indexed").Increment(indexed);
  ArticleCounter("updated").Increment(updated);
  ArticleCounter("rejected").Increment(rejected);
}

void Metrics::ArticlesDeleted(int64_t n) { ArticleCounter("deleted").Increment(n); }

void Metrics::WriterHealth(bool writable) {
  if (!writable) writer_failures_.Increment();
  writable_.Set(writable ? 1 : 0);
}

void Metrics::AddCollectable(std::shared_ptr<prometheus::Collectable> collectable) {
  absl::MutexLock lock(&mu_);
  if (exposer_ == nullptr) return;  // stopped
  exposer_->RegisterCollectable(collectable);
  collectables_.push_back(std::move(collectable));
}

}  // namespace storyline::server
