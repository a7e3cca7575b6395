#include "index/kmeans.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <utility>

#include "absl/time/clock.h"
#include "index/deadline.h"

namespace storyline::index {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstRowMap = Eigen::Map<const RowMatrix>;

// The column of row `i`'s largest entry (the first on ties) and the entry.
// A plain loop: Eigen's maxCoeff visitor is slow on short rows.
std::pair<int, float> RowMax(const RowMatrix& m, int i) {
  const float* row = m.data() + static_cast<std::ptrdiff_t>(i) * m.cols();
  int best = 0;
  for (int j = 1; j < m.cols(); ++j) {
    if (row[j] > row[best]) best = j;
  }
  return {best, row[best]};
}

struct Run {
  std::vector<int> assignment;
  std::vector<float> similarity;
  RowMatrix centroids;
  double objective = -1;
};

// Squared cosine distance of every live point to `c`, capped by `nearest`
// (the distance to the nearest seed so far) into *out; returns the total.
double DistancesWith(const ConstRowMap& x, const std::vector<int>& live, int c,
                     const std::vector<double>& nearest, std::vector<double>* out) {
  const Eigen::VectorXf dots = x * x.row(c).transpose();
  double total = 0;
  for (int i : live) {
    const double dd = std::max(0.0, 1.0 - static_cast<double>(dots[i]));
    (*out)[i] = std::min(nearest[i], dd * dd);
    total += (*out)[i];
  }
  return total;
}

// A live point drawn with probability proportional to `weight` (uniformly
// if every weight is zero).
int DrawWeighted(const std::vector<int>& live, const std::vector<double>& weight, double total,
                 std::mt19937_64& rng) {
  std::uniform_int_distribution<size_t> uniform(0, live.size() - 1);
  if (total <= 0) return live[uniform(rng)];
  std::uniform_real_distribution<double> pick(0, total);
  double r = pick(rng);
  for (int i : live) {
    r -= weight[i];
    if (r <= 0) return i;
  }
  return live.back();
}

// Greedy k-means++ (as scikit-learn): the first seed uniformly; each next
// one the best of 2 + ln k candidates drawn with probability proportional
// to their squared cosine distance from the nearest seed so far, the best
// being the one that leaves the smallest total distance.
RowMatrix SeedCentroids(const ConstRowMap& x, const std::vector<int>& live, int k,
                        std::mt19937_64& rng) {
  const int n = static_cast<int>(x.rows());
  const int candidates = 2 + static_cast<int>(std::log(k));
  RowMatrix centroids = RowMatrix::Zero(k, x.cols());
  std::vector<double> nearest(n, 1e9), trial(n, 0.0), best_trial(n, 0.0);
  int chosen = DrawWeighted(live, nearest, 0, rng);
  double total = DistancesWith(x, live, chosen, nearest, &nearest);
  centroids.row(0) = x.row(chosen);
  for (int c = 1; c < k; ++c) {
    double best_total = -1;
    for (int t = 0; t < candidates; ++t) {
      const int candidate = DrawWeighted(live, nearest, total, rng);
      const double candidate_total = DistancesWith(x, live, candidate, nearest, &trial);
      if (best_total < 0 || candidate_total < best_total) {
        best_total = candidate_total;
        chosen = candidate;
        best_trial.swap(trial);
      }
    }
    nearest.swap(best_trial);
    total = best_total;
    centroids.row(c) = x.row(chosen);
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
    const auto [best, s] = RowMax(sims, i);
    if (run->assignment[i] != best) changed = true;
    run->assignment[i] = best;
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
    std::tie(run.assignment[i], run.similarity[i]) = RowMax(sims, i);
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

uint64_t RestartSeed(uint64_t seed, int restart) {
  return seed + static_cast<uint64_t>(restart) * 0x9E3779B97F4A7C15ULL;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

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
  Run best;
  const int restarts = std::max(1, options.restarts);
  for (int r = 0; r < restarts; ++r) {
    if (r > 0 && DeadlinePassed(options.deadline)) {
      out.complete = false;
      break;
    }
    std::mt19937_64 rng(SplitMix64(RestartSeed(options.seed, r)));
    Run run = OneRun(x, live, k, options.max_iterations, options.deadline, rng);
    if (run.objective > best.objective) best = std::move(run);  // ties: the earlier run
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

}  // namespace storyline::index
