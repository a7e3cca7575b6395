#include "client/cli/progress_bar.h"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/cli/output.h"

namespace storyline::cli {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

}  // namespace

std::string FormatEta(double seconds) {
  const int64_t total = std::llround(std::clamp(seconds, 0.0, 360000.0));
  const int64_t h = total / 3600, m = total / 60 % 60, s = total % 60;
  const auto two = [](int64_t v) { return absl::StrCat(v < 10 ? "0" : "", v); };
  return h > 0 ? absl::StrCat(h, ":", two(m), ":", two(s)) : absl::StrCat(m, ":", two(s));
}

ProgressBar::ProgressBar(bool enabled, uint64_t total_bytes)
    : enabled_(enabled), total_bytes_(total_bytes), start_(Clock::now()) {}

void ProgressBar::Update(int64_t articles, uint64_t bytes) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (drawn_width_ > 0 && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  Draw(articles, bytes, "");
}

void ProgressBar::Finish(int64_t articles, uint64_t bytes) {
  if (enabled_) Draw(articles, bytes, "  committing...");
}

void ProgressBar::Clear() {
  if (!enabled_ || drawn_width_ == 0) return;
  std::cerr << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
  drawn_width_ = 0;
}

void ProgressBar::Draw(int64_t articles, uint64_t bytes, absl::string_view suffix) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(articles) / elapsed : 0;
  std::string text =
      absl::StrCat(FormatCount(articles), articles == 1 ? " article  " : " articles  ",
                   FormatCount(std::llround(rate)), "/s");
  if (total_bytes_ > 0) {
    const uint64_t done = std::min(bytes, total_bytes_);
    const double fraction = static_cast<double>(done) / static_cast<double>(total_bytes_);
    absl::StrAppend(&text, "  ", FormatFixed(100 * fraction, 1), "%  ETA ");
    // The first fraction of a second says little about the final rate.
    if (done > 0 && elapsed >= 0.5) {
      absl::StrAppend(&text, FormatEta(elapsed * (1 - fraction) / fraction));
    } else {
      absl::StrAppend(&text, "-:--");
    }
  }
  absl::StrAppend(&text, suffix);
  // Pad with spaces rather than using "erase line" escapes, so a forced
  // --progress into a log file stays plain text.
  const size_t width = text.size();
  if (width < drawn_width_) text.append(drawn_width_ - width, ' ');
  std::cerr << '\r' << text << std::flush;
  drawn_width_ = width;
}

}  // namespace storyline::cli
