#include "index/cluster_count.h"

#include <Eigen/Dense>
#include <algorithm>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "index/deadline.h"

namespace storyline::index {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;

// Lloyd iterations per half: enough to settle which topics a half holds
// (20 chose k no better on BBC, at a higher cost).
constexpr int kIterations = 10;

// The rows `rows` of `points`, as one block.
std::vector<float> Rows(const PointSet& points, const std::vector<int>& rows) {
  std::vector<float> out;
  out.reserve(rows.size() * static_cast<size_t>(points.d));
  for (int i : rows) {
    const auto start = points.data.begin() + static_cast<std::ptrdiff_t>(i) * points.d;
    out.insert(out.end(), start, start + points.d);
  }
  return out;
}

// Two disjoint random halves of a sample of at most `sample` points.
std::pair<std::vector<float>, std::vector<float>> RandomHalves(const PointSet& points, int sample,
                                                               std::mt19937_64& rng) {
  std::vector<int> order(points.n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  order.resize(std::min(points.n, sample));
  std::vector<int> a, b;
  for (size_t j = 0; j < order.size(); ++j) (j % 2 == 0 ? a : b).push_back(order[j]);
  return {Rows(points, a), Rows(points, b)};
}

PointSet View(const std::vector<float>& data, int d) {
  return {.data = data, .n = static_cast<int>(data.size() / static_cast<size_t>(d)), .d = d};
}

// The labels `centroids` (k x d) give the points of `x`; -1 where
// `own` has none (a zero point).
std::vector<int> Predict(const PointSet& x, const KMeansResult& centroids,
                         const KMeansResult& own) {
  const ConstRowMap points(x.data.data(), x.n, x.d);
  const ConstRowMap c(centroids.centroids.data(), centroids.k, x.d);
  const RowMatrix sims = points * c.transpose();
  std::vector<int> predicted(x.n, -1);
  for (int i = 0; i < x.n; ++i) {
    if (own.assignment[i] < 0) continue;
    Eigen::Index best = 0;
    sims.row(i).maxCoeff(&best);
    predicted[i] = static_cast<int>(best);
  }
  return predicted;
}

}  // namespace

namespace cluster_count_internal {

double SplitAgreement(const PointSet& a, const PointSet& b, int k, uint64_t seed, int restarts,
                      absl::Time deadline) {
  const KMeansOptions options{.k = k,
                              .restarts = restarts,
                              .max_iterations = kIterations,
                              .seed = seed,
                              .deadline = deadline};
  const KMeansResult on_a = SphericalKMeans(a, options);
  const KMeansResult on_b = SphericalKMeans(b, options);
  if (on_a.k == 0 || on_b.k == 0) return 0;
  return (AdjustedRandIndex(on_b.assignment, Predict(b, on_a, on_b)) +
          AdjustedRandIndex(on_a.assignment, Predict(a, on_b, on_a))) /
         2;
}

}  // namespace cluster_count_internal

int ChooseClusterCount(const PointSet& points, const ChooseKOptions& options) {
  const int m = std::min(points.n, std::max(2, options.sample));
  const int max_k = std::min(options.max_k, std::max(1, m / 10));
  const int min_k = std::max(1, std::min(options.min_k, max_k));
  if (points.n < 2 || points.d == 0 || max_k <= min_k) return min_k;
  std::mt19937_64 rng(SplitMix64(options.seed));
  std::vector<std::pair<std::vector<float>, std::vector<float>>> halves;
  for (int s = 0; s < std::max(1, options.splits); ++s) {
    halves.push_back(RandomHalves(points, m, rng));
  }
  int best_k = min_k;
  double best = -2;
  for (int k = min_k; k <= max_k; ++k) {
    if (k > min_k && DeadlinePassed(options.deadline)) break;
    double agreement = 0;
    for (size_t s = 0; s < halves.size(); ++s) {
      const PointSet a = View(halves[s].first, points.d);
      const PointSet b = View(halves[s].second, points.d);
      const uint64_t seed = RestartSeed(options.seed, static_cast<int>(s * 1000 + k));
      agreement +=
          cluster_count_internal::SplitAgreement(a, b, k, seed, options.restarts, options.deadline);
    }
    agreement /= static_cast<double>(halves.size());
    if (agreement > best + 1e-9) {
      best = agreement;
      best_k = k;
    }
  }
  return best_k;
}

}  // namespace storyline::index
