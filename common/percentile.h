// Nearest-rank percentiles of latency samples, as the bench tools report
// them: the value at index round(p * (n - 1)) of the sorted samples.
//
// Thread-safety: free functions without shared state.
#ifndef STORYLINE_COMMON_PERCENTILE_H_
#define STORYLINE_COMMON_PERCENTILE_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace storyline::common {

// The `p` quantile (0 <= p <= 1) of `sorted`, which must be in ascending
// order; 0 when it is empty.
inline double PercentileOfSorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1,
                         static_cast<size_t>(std::lround(p * (sorted.size() - 1))))];
}

// The `p` quantile (0 <= p <= 1) of `values`, in any order; 0 when empty.
inline double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return PercentileOfSorted(values, p);
}

}  // namespace storyline::common

#endif  // STORYLINE_COMMON_PERCENTILE_H_
