// Tests for index/kmeans: spherical k-means, the adjusted Rand index, the
// stability choice of k, and neighbour smoothing, on synthetic points.
#include "index/kmeans.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace storyline::index {
namespace {

// `per` unit points around each of `centers` orthogonal directions in d
// dimensions, with noise `noise`. Truth labels in *labels.
std::vector<float> Blobs(int centers, int per, int d, float noise, std::vector<int>* labels,
                         uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0, noise);
  std::vector<float> out;
  for (int c = 0; c < centers; ++c) {
    for (int i = 0; i < per; ++i) {
      std::vector<float> p(d);
      for (int j = 0; j < d; ++j) p[j] = (j == c ? 1.0f : 0.0f) + gauss(rng);
      float norm = 0;
      for (float x : p) norm += x * x;
      norm = std::sqrt(norm);
      for (float x : p) out.push_back(x / norm);
      labels->push_back(c);
    }
  }
  return out;
}

TEST(AdjustedRandIndexTest, KnownValues) {
  EXPECT_DOUBLE_EQ(AdjustedRandIndex({0, 0, 1, 1}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(AdjustedRandIndex({0, 0, 1, 1}, {1, 1, 0, 0}), 1.0);  // names do not matter
  EXPECT_LT(AdjustedRandIndex({0, 0, 1, 1}, {0, 1, 0, 1}), 0.0);         // worse than chance
  EXPECT_NEAR(AdjustedRandIndex({0, 0, 0, 1, 1, 1}, {0, 0, 1, 1, 2, 2}), 0.2424, 1e-3);
}

TEST(SphericalKMeansTest, RecoversSeparatedTopicsDeterministically) {
  std::vector<int> truth;
  const std::vector<float> data = Blobs(4, 50, 12, 0.15f, &truth);
  const PointSet points{.data = data, .n = 200, .d = 12};
  const KMeansResult a = SphericalKMeans(points, {.k = 4, .seed = 3});
  EXPECT_EQ(a.k, 4);
  EXPECT_DOUBLE_EQ(AdjustedRandIndex(a.assignment, truth), 1.0);
  ASSERT_EQ(a.centroids.size(), 4u * 12);
  for (int i = 0; i < 200; ++i) {
    EXPECT_GT(a.similarity[i], 0.5f);
    EXPECT_LE(a.similarity[i], 1.0001f);
  }
  const KMeansResult b = SphericalKMeans(points, {.k = 4, .seed = 3});
  EXPECT_EQ(a.assignment, b.assignment);
  EXPECT_EQ(a.centroids, b.centroids);
}

TEST(SphericalKMeansTest, ZeroPointsAreAssignedNowhereAndKIsCapped) {
  std::vector<float> data = {1, 0, 0, 0, 0, 1, 0, 0, 0};  // the last point is all zero
  const KMeansResult r = SphericalKMeans({.data = data, .n = 3, .d = 3}, {.k = 10});
  EXPECT_EQ(r.k, 2);  // only two points can be clustered
  EXPECT_EQ(r.assignment[2], -1);
  EXPECT_NE(r.assignment[0], r.assignment[1]);
  const KMeansResult none = SphericalKMeans({.data = {}, .n = 0, .d = 3}, {.k = 2});
  EXPECT_TRUE(none.assignment.empty());
}

TEST(ChooseClusterCountTest, FindsTheNumberOfRealTopics) {
  for (int centers : {3, 5}) {
    std::vector<int> truth;
    const std::vector<float> data = Blobs(centers, 60, 10, 0.2f, &truth, 5);
    const int k = ChooseClusterCount({.data = data, .n = centers * 60, .d = 10},
                                     {.min_k = 2, .max_k = 9, .seed = 11});
    EXPECT_EQ(k, centers);
  }
}

TEST(SmoothByNeighboursTest, BoundaryPointFollowsItsNeighbours) {
  // Two tight groups; one point of group 0 is mislabelled as 1 and sits
  // exactly between the centroids, so only its neighbours can tell.
  std::vector<int> truth;
  std::vector<float> data = Blobs(2, 20, 4, 0.05f, &truth);
  KMeansResult r = SphericalKMeans({.data = data, .n = 40, .d = 4}, {.k = 2, .seed = 1});
  ASSERT_DOUBLE_EQ(AdjustedRandIndex(r.assignment, truth), 1.0);
  const int wrong = 1 - r.assignment[0];
  r.assignment[0] = wrong;
  // Make point 0 ambiguous between the two centroids in the clustering
  // space, while it stays inside group 0 in the neighbour space.
  std::vector<float> clustering = data;
  const float h = std::sqrt(0.5f);
  clustering[0] = h, clustering[1] = h, clustering[2] = 0, clustering[3] = 0;
  const PointSet space{.data = clustering, .n = 40, .d = 4};
  SmoothByNeighbours(space, {.data = data, .n = 40, .d = 4}, {.margin = 0.2f}, &r);
  EXPECT_NE(r.assignment[0], wrong);
  EXPECT_DOUBLE_EQ(AdjustedRandIndex(r.assignment, truth), 1.0);
}

}  // namespace
}  // namespace storyline::index
