#include "common/percentile.h"

#include <gtest/gtest.h>

#include <vector>

namespace storyline::common {
namespace {

TEST(PercentileTest, EmptyIsZero) {
  EXPECT_EQ(Percentile({}, 0.5), 0);
  EXPECT_EQ(PercentileOfSorted({}, 0.99), 0);
}

TEST(PercentileTest, NearestRankOfUnsortedValues) {
  const std::vector<double> values = {5, 1, 4, 2, 3};
  struct Case {
    double p;
    double want;
  };
  // Index round(p * (n - 1)) of 1 2 3 4 5.
  for (const Case& c : std::vector<Case>{
           {0.0, 1}, {0.1, 1}, {0.125, 2}, {0.5, 3}, {0.95, 5}, {0.99, 5}, {1.0, 5}}) {
    EXPECT_EQ(Percentile(values, c.p), c.want) << "p=" << c.p;
  }
}

TEST(PercentileTest, SortedAndUnsortedAgree) {
  std::vector<double> values;
  for (int i = 0; i < 1000; ++i) values.push_back((i * 7919) % 1000 / 10.0);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (double p : {0.5, 0.95, 0.99}) {
    EXPECT_EQ(Percentile(values, p), PercentileOfSorted(sorted, p)) << "p=" << p;
  }
  EXPECT_EQ(Percentile(values, 0.5), 50.0);  // index 500 (499.5 rounds up) of 0.0 .. 99.9
  EXPECT_EQ(Percentile(values, 0.99), 98.9);
}

TEST(PercentileTest, SingleValue) {
  EXPECT_EQ(Percentile({7.5}, 0.0), 7.5);
  EXPECT_EQ(Percentile({7.5}, 0.99), 7.5);
}

}  // namespace
}  // namespace storyline::common
