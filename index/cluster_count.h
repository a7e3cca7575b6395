// How many topics a set of points holds: the k whose clusterings survive
// a change of sample best (split stability). Used by TopicClusters when
// the request leaves cluster_count open (index/clusters.h).
//
// Everything is deterministic for a given seed.
#ifndef STORYLINE_INDEX_CLUSTER_COUNT_H_
#define STORYLINE_INDEX_CLUSTER_COUNT_H_

#include <cstdint>

#include "absl/time/time.h"
#include "index/kmeans.h"

namespace storyline::index {

struct ChooseKOptions {
  int min_k = 3;
  int max_k = 15;     // also at most sample / 10, so each half has >= 5 per cluster
  int splits = 3;     // random halvings of the sample, each scored both ways
  int restarts = 3;   // k-means restarts per half
  int sample = 1000;  // points used (a random sample)
  uint64_t seed = 0;
  absl::Time deadline = absl::InfiniteFuture();
};

// The number of clusters whose solutions agree most across halves of the
// sample: each half is clustered on its own, and the other half's
// centroids then classify its points; the agreement of the two labelings
// (adjusted Rand index, averaged over halves and splits) is k's score.
// Real topics come out the same from either half; an arbitrary split of a
// topic, or a merge of two, depends on the sample (Lange et al. 2004,
// "Stability-based validation of clustering solutions"; Tibshirani and
// Walther 2005, "Cluster validation by prediction strength"). Seed-only
// agreement (the same points, other seeds) was too noisy to choose k: with
// three runs it picked 5 to 15 topics on BBC. The best score wins, ties
// going to the smaller k. Tries k in [min_k, max_k] (clamped) until the
// deadline.
int ChooseClusterCount(const PointSet& points, const ChooseKOptions& options);

namespace cluster_count_internal {

// How well two halves' clusterings (into k, each on its own) predict each
// other: the adjusted Rand index of a half's own k-means labels and the
// labels its points get from the other half's nearest centroid, averaged
// over both directions.
double SplitAgreement(const PointSet& a, const PointSet& b, int k, uint64_t seed, int restarts,
                      absl::Time deadline);

}  // namespace cluster_count_internal

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_CLUSTER_COUNT_H_
