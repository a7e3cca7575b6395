// TopicClusters: group the stories matching a query into labelled topics.
//
// 1. The top `max_documents` matches of the query (everything, for an empty
//    query) within the filter are the documents considered.
// 2. Each becomes its unit vector in the semantic model's topics view
//    (index/lsa.h; articles newer than the model are folded in).
// 3. Spherical k-means++ with restarts clusters them, the run with the best
//    objective winning (index/kmeans.h); cluster_count 0 picks k by
//    stability across halves of the sample (index/cluster_count.h).
// 4. Clusters too small to be topics, and documents that fit no centroid,
//    go to `unclustered` ("Other topics").
// 5. Keywords are the stems most over-represented among a cluster's
//    central members against the whole index (p ln(p / p_index)), shown in
//    their commonest surface form. The label is the two- or three-word
//    phrase built on those keywords that the most central members use
//    (index/cluster_labels.h), else the best keyword (or keyword pair);
//    distinct across clusters.
//
// Thread-safety: uses the reader's Database and Stem, which are not
// thread-safe; Searcher calls it from its own thread.
#ifndef STORYLINE_INDEX_CLUSTERS_H_
#define STORYLINE_INDEX_CLUSTERS_H_

#include <xapian.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "index/filter.h"
#include "index/reader_context.h"
#include "index/tfidf.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

inline constexpr int kDefaultClusterDocuments = 500;
inline constexpr int kMaxClusterDocuments = 10000;
inline constexpr int kMaxClusterCount = 50;
inline constexpr int kDefaultStoriesPerCluster = 3;
inline constexpr int kMaxStoriesPerCluster = 100;

struct ClusterParams {
  std::string query;  // Xapian query syntax; empty = everything in the filter
  FilterParams filter;
  int max_documents = kDefaultClusterDocuments;
  int cluster_count = 0;  // 0 = choose
  int stories_per_cluster = kDefaultStoriesPerCluster;
  uint64_t seed = 0;
  absl::Time deadline = absl::InfiniteFuture();
};

struct ClusterKeywordData {
  std::string term;   // surface form
  double weight = 0;  // 1 for the strongest keyword
};

struct ClusterData {
  int id = 0;
  std::string label;
  std::vector<ClusterKeywordData> keywords;
  double score = 0;  // cohesion: mean cosine of members to the centroid, in [0, 1]
  std::vector<std::pair<std::string, double>> members;  // (id, cosine), most central first
  std::vector<storyline::v1::Article> top_stories;      // bodies cleared
};

struct ClusterResults {
  std::vector<ClusterData> clusters;  // by size, then score
  std::vector<std::string> unclustered;
  int considered_documents = 0;
};

// Clusters the matches of `query` (an empty Query means every document)
// in the semantic space of `reader.model`. Fails with kUnavailable while
// the semantic model is not built yet (null), kDataLoss for an unreadable
// stored article, kDeadlineExceeded if the deadline passes (a short
// deadline first makes the clustering coarser: fewer restarts and k
// candidates). May throw Xapian::Error; Searcher maps it.
absl::StatusOr<ClusterResults> FindClusters(const ReaderContext& reader, const Xapian::Query& query,
                                            const ClusterParams& params);

// Internal steps, exposed for tests.
namespace clusters_internal {

// Keyword stems of a cluster: `member_vectors` are TF-IDF vectors of its
// central members; a stem scores p ln(p / p_index), p being the share of
// members that contain it and p_index = df / N. Stop-word stems and stems
// in fewer than 2 members (or 10% of them) are skipped. Best first.
std::vector<std::pair<std::string, double>> KeywordStems(
    const std::vector<const SparseVector*>& member_vectors, const Xapian::Database& db,
    DfCache* df_cache, size_t max);

// Picks a label from `candidates` (readable forms, best first) that is not
// in `taken` and is not a stop word; "" if none.
std::string PickLabel(const std::vector<std::string>& candidates,
                      const std::vector<std::string>& taken);

}  // namespace clusters_internal

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_CLUSTERS_H_
