#include "server/health_monitor.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "index/index_check.h"

namespace storyline::server {

constexpr char kStoryService[] = "storyline.v1.StoryService";

HealthMonitor::HealthMonitor(std::string index_dir, grpc::HealthCheckServiceInterface* health,
                             absl::Duration interval)
    : index_dir_(std::move(index_dir)), health_(health), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

HealthMonitor::~HealthMonitor() {
  stop_.Notify();
  thread_.join();
}

void HealthMonitor::Loop() {
  pthread_setname_np(pthread_self(), "sl-health");
  bool serving = true;
  while (!stop_.WaitForNotificationWithTimeout(interval_)) {
    const absl::Status readable = index::ProbeReadable(index_dir_);
    if (readable.ok() == serving) continue;
    serving = readable.ok();
    if (serving) {
      spdlog::info("index {} is readable again; {} SERVING", index_dir_, kStoryService);
    } else {
      spdlog::error("index {} cannot be read; {} NOT_SERVING until it can: {}", index_dir_,
                    kStoryService, readable.ToString());
    }
    health_->SetServingStatus(kStoryService, serving);
  }
}

}  // namespace storyline::server
