// A log-bucketed latency histogram in the manner of HdrHistogram: values in
// nanoseconds, recorded in O(1) into buckets whose width is at most 1/128 of
// their lower bound (under 1% relative error), merge-able by adding counts.
// Memory is fixed (~36 KiB) whatever is recorded; the maximum is exact.
//
//   LatencyHistogram h;
//   h.Record(1'500'000);              // 1.5 ms
//   h.ValueAtQuantile(0.99);          // ns, within 1% of the true p99
//
// Thread-safety: thread-compatible; callers serialize Record and Merge.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_HISTOGRAM_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace storyline::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Adds one value (negative values count as 0; values past ~2^42 ns, about
  // 73 minutes, land in the last bucket).
  void Record(int64_t nanos);
  // Adds every value `other` holds.
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / count_; }

  // The value at quantile `q` (0..1): the midpoint of the bucket holding
  // the ceil(q * count)-th smallest value, never above max(); max() itself
  // for the largest. 0 when empty.
  int64_t ValueAtQuantile(double q) const;

  // The bucket `nanos` falls in, and that bucket's [low, high] values;
  // exposed for tests.
  static int BucketOf(int64_t nanos);
  static int64_t BucketLow(int bucket);
  static int64_t BucketHigh(int bucket);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  int64_t max_ = 0;
  uint64_t sum_ = 0;  // ns; overflows only past ~584 years of latency
};

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_HISTOGRAM_H_
