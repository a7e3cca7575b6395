// One debug-level log line per RPC: method, status code, latency.
#ifndef STORYLINE_SERVER_RPC_LOG_H_
#define STORYLINE_SERVER_RPC_LOG_H_

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

#include "absl/status/status.h"

namespace storyline::server {

class RpcTimer {
 public:
  explicit RpcTimer(const char* method)
      : method_(method), start_(std::chrono::steady_clock::now()) {}

  // Logs "<method> <CODE> <ms>ms[: message]" at debug level.
  void Log(const absl::Status& status) const {
    if (!spdlog::should_log(spdlog::level::debug)) return;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
            .count();
    if (status.ok()) {
      spdlog::debug("rpc {} OK {:.3f}ms", method_, ms);
    } else {
      spdlog::debug("rpc {} {} {:.3f}ms: {}", method_,
                    absl::StatusCodeToString(status.code()), ms,
                    std::string(status.message()));
    }
  }

 private:
  const char* method_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_RPC_LOG_H_
