// Spherical k-means (cosine) over unit vectors, with k-means++ seeding and
// restarts, and a stability-based choice of k. The clustering core of
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

struct KMeansOptions {
  int k = 2;
  int restarts = 4;         // independent k-means++ runs; the most cohesive wins
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

struct ChooseKOptions {
  int min_k = 3;
  int max_k = 15;
  int runs = 3;       // clusterings per k whose agreement is measured
  int sample = 1000;  // points used (an even sample)
  uint64_t seed = 0;
  absl::Time deadline = absl::InfiniteFuture();
};

// The number of clusters whose k-means solutions agree most across
// different seeds (mean pairwise adjusted Rand index): real topics come
// out the same way every time, arbitrary splits do not. Ties go to the
// smaller k. Tries k in [min_k, max_k] (clamped to the point count) until
// the deadline.
int ChooseClusterCount(const PointSet& points, const ChooseKOptions& options);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_KMEANS_H_
