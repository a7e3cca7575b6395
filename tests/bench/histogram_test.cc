// LatencyHistogram: bucket bounds hold every value within 1%, quantiles
// match exact ones within that precision, merging equals recording into
// one, and the maximum is exact.
#include "bench/storyline_bench/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace storyline::bench {
namespace {

TEST(LatencyHistogramTest, EmptyHasZeroes) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.ValueAtQuantile(0.99), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogramTest, BucketsHoldTheirValuesWithinOnePercent) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const int64_t v = static_cast<int64_t>(rng() >> (24 + rng() % 40));  // 0 .. 2^40
    const int b = LatencyHistogram::BucketOf(v);
    ASSERT_LE(LatencyHistogram::BucketLow(b), v) << v;
    ASSERT_GE(LatencyHistogram::BucketHigh(b), v) << v;
    const double width = LatencyHistogram::BucketHigh(b) - LatencyHistogram::BucketLow(b);
    ASSERT_LE(width, std::max<double>(0, LatencyHistogram::BucketLow(b)) / 128.0) << v;
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(0), 0);
  EXPECT_EQ(LatencyHistogram::BucketOf(255), 255);
  EXPECT_EQ(LatencyHistogram::BucketOf(256), 256);
  EXPECT_EQ(LatencyHistogram::BucketOf(257), 256);  // width 2 from here
  EXPECT_EQ(LatencyHistogram::BucketOf(258), 257);
}

TEST(LatencyHistogramTest, QuantilesMatchExactOnesWithinOnePercent) {
  std::mt19937 rng(42);
  std::lognormal_distribution<double> latency(std::log(2e6), 0.8);  // ~2 ms median
  std::vector<int64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    values.push_back(static_cast<int64_t>(latency(rng)));
    h.Record(values.back());
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double exact = values[static_cast<size_t>(std::ceil(q * values.size())) - 1];
    EXPECT_NEAR(h.ValueAtQuantile(q), exact, exact * 0.01) << "q=" << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.ValueAtQuantile(1.0), values.back());
  EXPECT_EQ(h.count(), values.size());
}

TEST(LatencyHistogramTest, MergeEqualsRecordingIntoOne) {
  LatencyHistogram a, b, both;
  for (int64_t v = 1; v < 5'000'000; v = v * 3 / 2 + 1) {
    (v % 2 ? a : b).Record(v);
    both.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), both.count());
  EXPECT_EQ(a.max(), both.max());
  EXPECT_DOUBLE_EQ(a.mean(), both.mean());
  for (double q : {0.1, 0.5, 0.9, 0.99}) EXPECT_EQ(a.ValueAtQuantile(q), both.ValueAtQuantile(q));
}

TEST(LatencyHistogramTest, HugeAndNegativeValuesAreClamped) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(int64_t{1} << 50);
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 0);
  EXPECT_EQ(h.max(), int64_t{1} << 50);
  EXPECT_LE(h.ValueAtQuantile(1.0), h.max());
}

}  // namespace
}  // namespace storyline::bench
