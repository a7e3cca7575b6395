// Spherical k-means (cosine) over unit vectors, with greedy k-means++
// seeding and restarts, and neighbour smoothing. The clustering core of
// TopicClusters (index/clusters.h), kept free of Xapian so it can be
// tested and benchmarked on its own.
//
// Everything is deterministic for a given seed.
#ifndef STORYLINE_INDEX_KMEANS_H_
#define STORYLINE_INDEX_KMEANS_H_

#include <cstdint>
#include <span>
#include <vector>

#include "absl/time/time.h"

namespace storyline::index {

// n points of dimension d, row-major, each of unit length (or all zero:
// such points are assigned nowhere).
struct PointSet {
  std::span<const float> data;
  int n = 0;
  int d = 0;
};

// Restarts: a single k-means++ run lands in a poor local optimum often (on
// BBC, k=5: more than half the runs merge two topics and split a third),
// and the objective tells the good runs apart, so several independent runs
// are made and the one with the highest objective (sum of cosines to the
// centroids; no labels involved) wins, the earlier one on a tie. Restart r
// draws its k-means++ seeds from RestartSeed(seed, r), so a one-restart
// run with that seed reproduces it.
struct KMeansOptions {
  int k = 2;
  int restarts = 10;        // independent k-means++ runs; the most cohesive wins
  int max_iterations = 40;  // Lloyd iterations per run
  uint64_t seed = 0;
  // Stop early (keeping the best run so far) once this passes.
  absl::Time deadline = absl::InfiniteFuture();
};

struct KMeansResult {
  std::vector<int> assignment;    // per point: cluster, or -1 for zero points
  std::vector<float> similarity;  // per point: cosine to its centroid
  std::vector<float> centroids;   // k x d, unit rows
  double objective = 0;           // sum of similarities (higher is better)
  int k = 0;
  bool complete = true;  // false if the deadline cut restarts short
};

// Clusters `points` into options.k groups (fewer if there are fewer
// distinct points).
KMeansResult SphericalKMeans(const PointSet& points, const KMeansOptions& options);

// The seed of restart `restart` of a run seeded `seed` (RestartSeed(s, 0)
// is s).
uint64_t RestartSeed(uint64_t seed, int restart);

// A well-mixed 64-bit value of `x` (SplitMix64), for seeding generators
// from small or related seeds.
uint64_t SplitMix64(uint64_t x);

// Moves points whose clustering is ambiguous (cosine to their own centroid
// within `margin` of another's) to the majority cluster of their
// `neighbours` nearest points, their own vote counting `self_weight`; then
// recomputes centroids and similarities. Topics are contiguous regions, so
// a boundary point's neighbours know better than two centroids do.
// Stops early (keeping what is done) at the deadline.
struct SmoothOptions {
  int neighbours = 15;
  int self_weight = 3;
  int iterations = 2;
  float margin = 0.1f;
  absl::Time deadline = absl::InfiniteFuture();
};
// `neighbour_space` (the same points, possibly in another space) decides
// who is near whom.
void SmoothByNeighbours(const PointSet& points, const PointSet& neighbour_space,
                        const SmoothOptions& options, KMeansResult* result);

// Adjusted Rand index of two labelings of the same points (-1 labels are
// one more group).
double AdjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_KMEANS_H_
