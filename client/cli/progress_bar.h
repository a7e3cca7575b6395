// The one-line progress display of `storyline ingest` on stderr: count,
// rate, and (when the input size is known) percentage and ETA, redrawn in
// place with '\r' at most every 100 ms.
//
// Thread-safety: not thread-safe; one thread draws.
#ifndef STORYLINE_CLIENT_CLI_PROGRESS_BAR_H_
#define STORYLINE_CLIENT_CLI_PROGRESS_BAR_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace storyline::cli {

// "1:05" or "2:03:07".
std::string FormatEta(double seconds);

class ProgressBar {
 public:
  // `total_bytes` is the input size, or 0 when unknown (stdin, pipes): then
  // only the count and rate are shown. A disabled bar draws nothing.
  ProgressBar(bool enabled, uint64_t total_bytes);

  // Redraws at most every 100 ms.
  void Update(int64_t articles, uint64_t bytes);
  // Input is exhausted; the server is committing.
  void Finish(int64_t articles, uint64_t bytes);
  // Erases the bar so other stderr output starts on a clean line.
  void Clear();

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(int64_t articles, uint64_t bytes, absl::string_view suffix);

  const bool enabled_;
  const uint64_t total_bytes_;
  const Clock::time_point start_;
  Clock::time_point last_draw_;
  size_t drawn_width_ = 0;  // 0 when nothing is on screen
};

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_PROGRESS_BAR_H_
