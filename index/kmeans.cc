#include "index/kmeans.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>

#include "absl/time/clock.h"
#include "index/deadline.h"

namespace storyline::index {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;

struct Run {
  std::vector<int> assignment;
  std::vector<float> similarity;
  RowMatrix centroids;
  double objective = -1;
};

// k-means++: the first seed uniformly, each next one with probability
// proportional to its squared cosine distance from the nearest seed so far.
RowMatrix SeedCentroids(const ConstRowMap& x, const std::vector<int>& live, int k,
                        std::mt19937_64& rng) {
  const int n = static_cast<int>(x.rows());
  RowMatrix centroids = RowMatrix::Zero(k, x.cols());
  std::vector<double> dist(n, 0.0);
  for (int i : live) dist[i] = 1e9;
  std::uniform_int_distribution<size_t> first(0, live.size() - 1);
  int chosen = live[first(rng)];
  for (int c = 0; c < k; ++c) {
    centroids.row(c) = x.row(chosen);
    double total = 0;
    for (int i : live) {
      const double dd = std::max(0.0, 1.0 - static_cast<double>(x.row(i).dot(x.row(chosen))));
      dist[i] = std::min(dist[i], dd * dd);
      total += dist[i];
    }
    if (c + 1 == k) break;
    if (total <= 0) {
      chosen = live[first(rng)];
      continue;
    }
    std::uniform_real_distribution<double> pick(0, total);
    double r = pick(rng);
    chosen = live.back();
    for (int i : live) {
      r -= dist[i];
      if (r <= 0) {
        chosen = i;
        break;
      }
    }
  }
  return centroids;
}

// Assigns every live point to its most similar centroid; returns true if
// any assignment changed. Sets the run's objective.
bool AssignToCentroids(const ConstRowMap& x, const std::vector<int>& live, Run* run) {
  const RowMatrix sims = x * run->centroids.transpose();  // n x k
  bool changed = false;
  double objective = 0;
  for (int i : live) {
    Eigen::Index best = 0;
    const float s = sims.row(i).maxCoeff(&best);
    if (run->assignment[i] != best) changed = true;
    run->assignment[i] = static_cast<int>(best);
    run->similarity[i] = s;
    objective += s;
  }
  run->objective = objective;
  return changed;
}

// Moves each centroid to its members' normalized mean. An empty cluster
// takes the point that fits its own worst.
void UpdateCentroids(const ConstRowMap& x, const std::vector<int>& live, Run* run) {
  const auto k = static_cast<int>(run->centroids.rows());
  RowMatrix sums = RowMatrix::Zero(k, x.cols());
  std::vector<int> sizes(k, 0);
  for (int i : live) {
    sums.row(run->assignment[i]) += x.row(i);
    ++sizes[run->assignment[i]];
  }
  for (int c = 0; c < k; ++c) {
    if (sizes[c] == 0) {
      int worst = live.front();
      for (int i : live) {
        if (run->similarity[i] < run->similarity[worst]) worst = i;
      }
      run->similarity[worst] = 2.0f;  // not picked twice
      sums.row(c) = x.row(worst);
    }
    const float norm = sums.row(c).norm();
    run->centroids.row(c) = norm > 0 ? RowMatrix(sums.row(c) / norm) : sums.row(c);
  }
}

// One k-means++ seeded Lloyd run.
Run OneRun(const ConstRowMap& x, const std::vector<int>& live, int k, int max_iterations,
           absl::Time deadline, std::mt19937_64& rng) {
  const int n = static_cast<int>(x.rows());
  Run run;
  run.centroids = SeedCentroids(x, live, k, rng);
  run.assignment.assign(n, -1);
  run.similarity.assign(n, 0.0f);
  for (int iter = 0; iter < max_iterations; ++iter) {
    if (iter > 0 && DeadlinePassed(deadline)) break;  // keep what we have
    const bool changed = AssignToCentroids(x, live, &run);
    if (!changed && iter > 0) break;
    UpdateCentroids(x, live, &run);
  }
  // Final similarities against the final centroids.
  const RowMatrix sims = x * run.centroids.transpose();
  run.objective = 0;
  for (int i : live) {
    Eigen::Index best = 0;
    run.similarity[i] = sims.row(i).maxCoeff(&best);
    run.assignment[i] = static_cast<int>(best);
    run.objective += run.similarity[i];
  }
  return run;
}

// The points whose runner-up centroid is within `margin` of their own.
std::vector<int> AmbiguousPoints(const ConstRowMap& x, const ConstRowMap& c,
                                 const std::vector<int>& assignment, float margin) {
  std::vector<int> ambiguous;
  const RowMatrix sims = x * c.transpose();
  for (int i = 0; i < static_cast<int>(x.rows()); ++i) {
    if (assignment[i] < 0) continue;
    float first = -2, second = -2;
    for (int j = 0; j < static_cast<int>(c.rows()); ++j) {
      const float s = sims(i, j);
      if (s > first) {
        second = first;
        first = s;
      } else if (s > second) {
        second = s;
      }
    }
    if (first - second < margin) ambiguous.push_back(i);
  }
  return ambiguous;
}

// The `m` nearest neighbours in `y` of each of `points`, a block of rows
// at a time; stops early (fewer lists) once `deadline` passes.
std::vector<std::vector<int>> NearestNeighbours(const ConstRowMap& y,
                                                const std::vector<int>& points, int m,
                                                absl::Time deadline) {
  const auto n = static_cast<int>(y.rows());
  std::vector<std::vector<int>> neighbours(points.size());
  constexpr int kBlock = 256;
  for (size_t start = 0; start < points.size(); start += kBlock) {
    if (DeadlinePassed(deadline)) {
      neighbours.resize(start);
      break;
    }
    const int rows = static_cast<int>(std::min<size_t>(kBlock, points.size() - start));
    RowMatrix block(rows, y.cols());
    for (int r = 0; r < rows; ++r) block.row(r) = y.row(points[start + r]);
    const RowMatrix sims = block * y.transpose();  // rows x n
    std::vector<std::pair<float, int>> row(n);
    for (int r = 0; r < rows; ++r) {
      const int self = points[start + r];
      for (int j = 0; j < n; ++j) row[j] = {j == self ? -3.0f : sims(r, j), j};
      std::partial_sort(row.begin(), row.begin() + m, row.end(), [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
      });
      for (int j = 0; j < m; ++j) neighbours[start + r].push_back(row[j].second);
    }
  }
  return neighbours;
}

// Centroids and similarities of `result`'s (final) assignment.
void RecomputeCentroids(const ConstRowMap& x, KMeansResult* result) {
  const auto n = static_cast<int>(x.rows());
  const std::vector<int>& label = result->assignment;
  RowMatrix sums = RowMatrix::Zero(result->k, x.cols());
  for (int i = 0; i < n; ++i) {
    if (label[i] >= 0) sums.row(label[i]) += x.row(i);
  }
  result->objective = 0;
  for (int j = 0; j < result->k; ++j) {
    const float norm = sums.row(j).norm();
    if (norm > 0) sums.row(j) /= norm;
  }
  for (int i = 0; i < n; ++i) {
    if (label[i] < 0) continue;
    result->similarity[i] = x.row(i).dot(sums.row(label[i]));
    result->objective += result->similarity[i];
  }
  result->centroids.assign(sums.data(), sums.data() + sums.size());
}

}  // namespace

KMeansResult SphericalKMeans(const PointSet& points, const KMeansOptions& options) {
  KMeansResult out;
  out.assignment.assign(points.n, -1);
  out.similarity.assign(points.n, 0.0f);
  if (points.n == 0 || points.d == 0) return out;
  const ConstRowMap x(points.data.data(), points.n, points.d);
  std::vector<int> live;
  for (int i = 0; i < points.n; ++i) {
    if (x.row(i).squaredNorm() > 0) live.push_back(i);
  }
  if (live.empty()) return out;
  const int k = std::clamp(options.k, 1, static_cast<int>(live.size()));
  std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ULL + 1);
  Run best;
  const int restarts = std::max(1, options.restarts);
  for (int r = 0; r < restarts; ++r) {
    if (r > 0 && DeadlinePassed(options.deadline)) {
      out.complete = false;
      break;
    }
    Run run = OneRun(x, live, k, options.max_iterations, options.deadline, rng);
    if (run.objective > best.objective) best = std::move(run);
  }
  out.k = k;
  out.assignment = std::move(best.assignment);
  out.similarity = std::move(best.similarity);
  out.objective = best.objective;
  out.centroids.assign(best.centroids.data(), best.centroids.data() + best.centroids.size());
  return out;
}

void SmoothByNeighbours(const PointSet& points, const PointSet& neighbour_space,
                        const SmoothOptions& options, KMeansResult* result) {
  const int n = points.n, d = points.d, k = result->k;
  if (n < 3 || k < 2 || result->centroids.size() != static_cast<size_t>(k) * d) return;
  if (neighbour_space.n != n) return;
  const ConstRowMap y(neighbour_space.data.data(), n, neighbour_space.d);
  const ConstRowMap x(points.data.data(), n, d);
  const ConstRowMap c(result->centroids.data(), k, d);
  const std::vector<int> ambiguous = AmbiguousPoints(x, c, result->assignment, options.margin);
  if (ambiguous.empty()) return;
  const std::vector<std::vector<int>> neighbours =
      NearestNeighbours(y, ambiguous, std::min(options.neighbours, n - 1), options.deadline);
  // Each ambiguous point takes the majority label of itself (weighted) and
  // its neighbours.
  std::vector<int>& label = result->assignment;
  std::vector<int> votes(k);
  for (int iter = 0; iter < options.iterations; ++iter) {
    std::vector<int> next = label;
    for (size_t a = 0; a < neighbours.size(); ++a) {
      const int i = ambiguous[a];
      std::fill(votes.begin(), votes.end(), 0);
      votes[label[i]] += options.self_weight;
      for (int j : neighbours[a]) {
        if (label[j] >= 0) ++votes[label[j]];
      }
      next[i] = static_cast<int>(std::max_element(votes.begin(), votes.end()) - votes.begin());
    }
    label.swap(next);
  }
  RecomputeCentroids(x, result);
}

double AdjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b) {
  const size_t n = std::min(a.size(), b.size());
  if (n < 2) return 1.0;
  int ka = 0, kb = 0;
  for (size_t i = 0; i < n; ++i) {
    ka = std::max(ka, a[i] + 2);
    kb = std::max(kb, b[i] + 2);
  }
  std::vector<double> table(static_cast<size_t>(ka) * kb, 0), ra(ka, 0), rb(kb, 0);
  for (size_t i = 0; i < n; ++i) {
    const int x = a[i] + 1, y = b[i] + 1;  // -1 -> 0
    ++table[static_cast<size_t>(x) * kb + y];
    ++ra[x];
    ++rb[y];
  }
  auto c2 = [](double v) { return v * (v - 1) / 2; };
  double index = 0, sa = 0, sb = 0;
  for (double v : table) index += c2(v);
  for (double v : ra) sa += c2(v);
  for (double v : rb) sb += c2(v);
  const double expected = sa * sb / c2(static_cast<double>(n));
  const double max = (sa + sb) / 2;
  if (max - expected == 0) return 1.0;
  return (index - expected) / (max - expected);
}

int ChooseClusterCount(const PointSet& points, const ChooseKOptions& options) {
  // An even sample keeps the cost flat in the number of points.
  const int n = points.n;
  const int m = std::min(n, std::max(1, options.sample));
  std::vector<float> sample(static_cast<size_t>(m) * points.d);
  for (int r = 0; r < m; ++r) {
    const size_t i = static_cast<size_t>(r) * n / m;
    std::copy_n(points.data.begin() + static_cast<std::ptrdiff_t>(i * points.d), points.d,
                sample.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(r) * points.d));
  }
  const PointSet s{.data = sample, .n = m, .d = points.d};
  const int max_k = std::min(options.max_k, std::max(1, m / 5));
  const int min_k = std::min(options.min_k, max_k);
  int best_k = min_k;
  double best = -2;
  for (int k = min_k; k <= max_k; ++k) {
    if (k > min_k && DeadlinePassed(options.deadline)) break;
    std::vector<std::vector<int>> runs;
    for (int r = 0; r < std::max(2, options.runs); ++r) {
      runs.push_back(SphericalKMeans(s, {.k = k,
                                         .restarts = 1,
                                         .max_iterations = 20,
                                         .seed = options.seed + 1000003ULL * (r + 1) + k,
                                         .deadline = options.deadline})
                         .assignment);
    }
    double agreement = 0;
    int pairs = 0;
    for (size_t i = 0; i < runs.size(); ++i) {
      for (size_t j = i + 1; j < runs.size(); ++j) {
        agreement += AdjustedRandIndex(runs[i], runs[j]);
        ++pairs;
      }
    }
    agreement /= std::max(1, pairs);
    if (agreement > best + 1e-9) {
      best = agreement;
      best_k = k;
    }
  }
  return best_k;
}

}  // namespace storyline::index
