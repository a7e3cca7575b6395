// storyline-eval --mode=clusters: TopicClusters of the whole indexed corpus
// for each requested cluster_count, compared with the corpus's topic labels
// by NMI (arithmetic-mean normalization, scikit-learn's default), ARI and
// purity. "Other topics" (unclustered) counts as one more cluster.
//
// With --seeds (a range "0-9" or a list "1,5,7", or both "0-3,7"), each
// count is asked once per seed (one line each: k, NMI, ARI, purity and the
// labels), then once with no seed set (which the server treats as seed 0:
// proto3 cannot tell 0 from unset), then a summary: NMI min / median /
// max over the seeds and how many seeds chose the modal number of
// clusters.
#ifndef STORYLINE_BENCH_EVAL_CLUSTERS_MODE_H_
#define STORYLINE_BENCH_EVAL_CLUSTERS_MODE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storyline/client.h"

namespace storyline::eval {

struct ClustersOptions {
  std::string corpus_path;  // the indexed, labelled corpus (--corpus)
  // Comma-separated cluster_count values; "labels" is the corpus's number
  // of topics.
  std::string cluster_counts = "labels,0";
  uint32_t seed = 42;           // sent as the request's seed (without `seeds`)
  std::vector<uint32_t> seeds;  // if not empty: one request per seed, then a summary
  bool json = false;            // one JSON object per count (or seed) instead of text
};

// Clustering agreement with the labels.
struct Agreement {
  double nmi = 0, ari = 0, purity = 0;
};

// The agreement of `found` cluster ids with `truth` label ids (same
// length, one entry per article).
Agreement Compare(const std::vector<int>& truth, const std::vector<int>& found);

// The seeds of a --seeds value: "0-9", "1,5,7" or "0-3,7" (at most 1,000
// seeds); InvalidArgument saying what is wrong otherwise.
absl::StatusOr<std::vector<uint32_t>> ParseSeeds(absl::string_view text);

// Prints one summary per count (and, as text, each cluster); returns the
// exit code (0, 1 if a call failed, 2 for a bad count).
int RunClusters(Client& client, const ClustersOptions& options);

}  // namespace storyline::eval

#endif  // STORYLINE_BENCH_EVAL_CLUSTERS_MODE_H_
