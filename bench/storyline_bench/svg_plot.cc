#include "bench/storyline_bench/svg_plot.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace storyline::bench {

namespace {

constexpr double kWidth = 720, kHeight = 440;
constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 55;

// Maps data coordinates to the plot area.
struct Frame {
  double x_max, y_max;
  double X(double x) const { return kLeft + x / x_max * (kWidth - kLeft - kRight); }
  double Y(double y) const { return kHeight - kBottom - y / y_max * (kHeight - kTop - kBottom); }
};

std::string Escape(const std::string& s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

std::string Label(double v) {
  return v == std::floor(v) ? absl::StrFormat("%.0f", v) : absl::StrFormat("%g", v);
}

std::string Axes(const Frame& f, const std::vector<double>& xt, const std::vector<double>& yt) {
  std::string out =
      absl::StrFormat("<path d=\"M%.1f %.1f V%.1f H%.1f\" stroke=\"black\" fill=\"none\"/>\n",
                      kLeft, kTop, kHeight - kBottom, kWidth - kRight);
  for (double x : xt) {
    absl::StrAppend(&out, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                          "stroke=\"black\"/><text x=\"%.1f\" y=\"%.1f\" "
                                          "text-anchor=\"middle\">%s</text>\n",
                                          f.X(x), kHeight - kBottom, f.X(x), kHeight - kBottom + 5,
                                          f.X(x), kHeight - kBottom + 20, Label(x)));
  }
  for (double y : yt) {
    absl::StrAppend(&out, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                          "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%.1f\" "
                                          "text-anchor=\"end\">%s</text>\n",
                                          kLeft, f.Y(y), kWidth - kRight, f.Y(y), kLeft - 6,
                                          f.Y(y) + 4, Label(y)));
  }
  absl::StrAppend(&out,
                  absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">achieved "
                                  "throughput (ok calls/s)</text>\n",
                                  (kLeft + kWidth - kRight) / 2, kHeight - 12),
                  absl::StrFormat("<text transform=\"translate(18 %.1f) rotate(-90)\" "
                                  "text-anchor=\"middle\">latency (ms)</text>\n",
                                  (kTop + kHeight - kBottom) / 2));
  return out;
}

std::string Line(const Frame& f, const std::vector<CurvePoint>& points, double CurvePoint::*y,
                 const char* colour) {
  std::string d;
  for (const CurvePoint& p : points) {
    absl::StrAppend(&d, d.empty() ? "M" : " L",
                    absl::StrFormat("%.1f %.1f", f.X(p.achieved), f.Y(std::min(p.*y, f.y_max))));
  }
  std::string out = absl::StrFormat(
      "<path d=\"%s\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\"/>\n", d, colour);
  for (const CurvePoint& p : points) {
    absl::StrAppend(&out, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                                          f.X(p.achieved), f.Y(std::min(p.*y, f.y_max)), colour));
  }
  return out;
}

std::string Legend(double bound_ms) {
  std::string out;
  const double x = kWidth - kRight - 150;
  const struct {
    const char* name;
    const char* colour;
    const char* dash;
  } entries[] = {
      {"p50", "#1f77b4", "none"}, {"p99", "#d62728", "none"}, {"p99 bound", "#555", "6 4"}};
  for (int i = 0; i < (bound_ms > 0 ? 3 : 2); ++i) {
    const double y = kTop + 12 + 18 * i;
    absl::StrAppend(
        &out, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                              "stroke-width=\"2\" stroke-dasharray=\"%s\"/><text x=\"%.1f\" "
                              "y=\"%.1f\">%s</text>\n",
                              x, y, x + 30, y, entries[i].colour, entries[i].dash, x + 36, y + 4,
                              entries[i].name));
  }
  return out;
}

}  // namespace

std::vector<double> NiceTicks(double max, int target_count) {
  if (!(max > 0)) max = 1;
  const double raw = max / std::max(1, target_count);
  const double power = std::pow(10, std::floor(std::log10(raw)));
  double step = power * 10;
  for (double m : {1.0, 2.0, 5.0}) {
    if (raw <= m * power) {
      step = m * power;
      break;
    }
  }
  std::vector<double> ticks;
  for (int i = 0; ticks.empty() || ticks.back() < max - 1e-9 * max; ++i) ticks.push_back(i * step);
  return ticks;
}

std::string LatencyThroughputSvg(const std::vector<CurvePoint>& points, const PlotLabels& labels) {
  double x_max = 1, y_max = std::max(1.0, labels.bound_ms * 1.5);
  for (const CurvePoint& p : points) {
    x_max = std::max(x_max, p.achieved);
    y_max = std::max(y_max, std::min(p.p99_ms, std::max(1.0, labels.bound_ms) * 4));
  }
  const std::vector<double> xt = NiceTicks(x_max), yt = NiceTicks(y_max);
  const Frame f{xt.back(), yt.back()};
  std::string out = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
      "fill=\"white\"/>\n<text x=\"%.1f\" y=\"22\" text-anchor=\"middle\" "
      "font-size=\"14\">%s</text>\n",
      kWidth, kHeight, kWidth / 2, Escape(labels.title));
  absl::StrAppend(&out, Axes(f, xt, yt));
  if (labels.bound_ms > 0) {
    absl::StrAppend(
        &out, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"#555\" stroke-dasharray=\"6 4\"/>\n",
                              kLeft, f.Y(labels.bound_ms), kWidth - kRight, f.Y(labels.bound_ms)));
  }
  absl::StrAppend(&out, Line(f, points, &CurvePoint::p50_ms, "#1f77b4"),
                  Line(f, points, &CurvePoint::p99_ms, "#d62728"), Legend(labels.bound_ms),
                  "</svg>\n");
  return out;
}

}  // namespace storyline::bench
