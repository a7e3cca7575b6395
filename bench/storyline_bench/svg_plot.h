// The latency-throughput picture `storyline-bench sweep --svg` writes: an
// SVG (no dependency) with achieved req/s on x, latency in ms on y, a line
// each for p50 and p99 over the sweep's steps, the p99 bound as a dashed
// line, axes with ticks, and a legend.
//
// Thread-safety: a free function over values.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_SVG_PLOT_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_SVG_PLOT_H_

#include <string>
#include <vector>

namespace storyline::bench {

struct CurvePoint {
  double achieved = 0;  // ok calls/s
  double p50_ms = 0;
  double p99_ms = 0;
};

struct PlotLabels {
  std::string title;    // e.g. "storyline-bench sweep: Search, 20news-train"
  double bound_ms = 0;  // drawn dashed when > 0
};

// Evenly spaced "nice" tick values (1, 2 or 5 times a power of ten) from
// 0 covering [0, max]; at least two.
std::vector<double> NiceTicks(double max, int target_count = 5);

// The SVG document.
std::string LatencyThroughputSvg(const std::vector<CurvePoint>& points, const PlotLabels& labels);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_SVG_PLOT_H_
