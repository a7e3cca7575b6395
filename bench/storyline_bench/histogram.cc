#include "bench/storyline_bench/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace storyline::bench {

namespace {

// Values below 2^kSubBits get a bucket each; above, every power of two is
// split into 2^(kSubBits - 1) buckets, so a bucket's width is at most
// 1/128 of its low end.
constexpr int kSubBits = 8;
constexpr int64_t kLinear = int64_t{1} << kSubBits;  // 256
constexpr int64_t kHalf = kLinear / 2;               // 128 buckets per power of two
constexpr int kMaxShift = 34;                        // up to 2^42 ns
constexpr int kBuckets = static_cast<int>(kLinear + kMaxShift * kHalf);

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0) {}

int LatencyHistogram::BucketOf(int64_t nanos) {
  if (nanos < kLinear) return static_cast<int>(std::max<int64_t>(nanos, 0));
  const int shift = std::bit_width(static_cast<uint64_t>(nanos)) - kSubBits;
  if (shift > kMaxShift) return kBuckets - 1;
  const int64_t sub = nanos >> shift;  // in [kHalf, kLinear)
  return static_cast<int>(kLinear + (shift - 1) * kHalf + (sub - kHalf));
}

int64_t LatencyHistogram::BucketLow(int bucket) {
  if (bucket < kLinear) return bucket;
  const int shift = static_cast<int>((bucket - kLinear) / kHalf) + 1;
  const int64_t sub = kHalf + (bucket - kLinear) % kHalf;
  return sub << shift;
}

int64_t LatencyHistogram::BucketHigh(int bucket) {
  if (bucket < kLinear) return bucket;
  const int shift = static_cast<int>((bucket - kLinear) / kHalf) + 1;
  return BucketLow(bucket) + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(int64_t nanos) {
  nanos = std::max<int64_t>(nanos, 0);
  ++counts_[BucketOf(nanos)];
  ++count_;
  max_ = std::max(max_, nanos);
  sum_ += static_cast<uint64_t>(nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

int64_t LatencyHistogram::ValueAtQuantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * count_)));
  if (rank >= count_) return max_;  // the largest value is known exactly
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(max_, BucketLow(i) + (BucketHigh(i) - BucketLow(i)) / 2);
  }
  return max_;
}

}  // namespace storyline::bench
