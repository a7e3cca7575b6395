// Reading a TestServer's captured log (TestServer(..., capture_log=true))
// from integration tests: its lines, and waiting for a line to appear, so
// tests wait for the event they test instead of sleeping.
#ifndef STORYLINE_TESTS_E2E_SERVER_LOG_H_
#define STORYLINE_TESTS_E2E_SERVER_LOG_H_

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/testing/test_server.h"

namespace storyline::testing {

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Waits until a line of the log contains `needle`; returns that line, or
// "" after `timeout`.
inline std::string AwaitLine(const TestServer& server, const std::string& needle,
                             absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time end = absl::Now() + timeout;
  while (absl::Now() < end) {
    for (const std::string& line : ReadLines(server.log_path())) {
      if (absl::StrContains(line, needle)) return line;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return "";
}

}  // namespace storyline::testing

#endif  // STORYLINE_TESTS_E2E_SERVER_LOG_H_
