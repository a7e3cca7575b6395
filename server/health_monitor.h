// HealthMonitor keeps the gRPC health status of StoryService true to
// whether the index can be read: once a second it checks that the index
// opens (index::ProbeReadable) and sets StoryService NOT_SERVING, with an
// error log, while it cannot (out of descriptors, the directory gone or
// damaged), and SERVING again, with an info log, once it can.
// (IngestService follows the writers; see WritePipeline::SetHealthListener.)
//
// Thread-safety: owns one thread; construct and destroy from one thread.
#ifndef STORYLINE_SERVER_HEALTH_MONITOR_H_
#define STORYLINE_SERVER_HEALTH_MONITOR_H_

#include <grpcpp/health_check_service_interface.h>

#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace storyline::server {

class HealthMonitor {
 public:
  // `health` is not owned and must outlive the monitor.
  HealthMonitor(std::string index_dir, grpc::HealthCheckServiceInterface* health,
                absl::Duration interval = absl::Seconds(1));
  ~HealthMonitor();  // stops the thread

  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

 private:
  void Loop();

  const std::string index_dir_;
  grpc::HealthCheckServiceInterface* const health_;
  const absl::Duration interval_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_HEALTH_MONITOR_H_
