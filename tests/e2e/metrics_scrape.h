// Scraping a TestServer's Prometheus metrics (--metrics_listen) from
// integration tests, to wait for server state (admission slots, queues)
// instead of sleeping.
#ifndef STORYLINE_TESTS_E2E_METRICS_SCRAPE_H_
#define STORYLINE_TESTS_E2E_METRICS_SCRAPE_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/e2e/server_log.h"

namespace storyline::testing {

// The metrics port a server started with --metrics_listen=127.0.0.1:0 and
// --log_level=info logged ("metrics at ... (port N)"); 0 if none.
inline int MetricsPort(const TestServer& server) {
  const std::string line = AwaitLine(server, "/metrics (port ");
  const size_t at = line.find("(port ");
  int port = 0;
  if (at == std::string::npos) return 0;
  const size_t end = line.find(')', at);
  if (!absl::SimpleAtoi(line.substr(at + 6, end - at - 6), &port)) return 0;
  return port;
}

// GET http://127.0.0.1:`port`/metrics; the whole response, headers too
// ("" on failure).
inline std::string ScrapeMetrics(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[4096];
      for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) out.append(buf, n);
    }
  }
  close(fd);
  return out;
}

// The value of the sample of `metric` whose labels include `label` (e.g.
// `limiter="ingest"`), if the scrape has one.
inline std::optional<double> MetricValue(const std::string& scrape, absl::string_view metric,
                                         absl::string_view label) {
  std::istringstream in(scrape);
  for (std::string line; std::getline(in, line);) {
    if (!absl::StartsWith(line, absl::StrCat(metric, "{")) || !absl::StrContains(line, label)) {
      continue;
    }
    double value = 0;
    if (absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value)) return value;
  }
  return std::nullopt;
}

// Waits until `metric`{`label`} reads `value`; false after `timeout`.
inline bool AwaitMetric(int port, absl::string_view metric, absl::string_view label, double value,
                        absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    if (MetricValue(ScrapeMetrics(port), metric, label) == value) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_E2E_METRICS_SCRAPE_H_
