// The requests storyline-bench sends, built and serialized before the clock
// starts, so no per-call protobuf work is timed. Request shapes are
// storyline-load's: two-word title queries (Search), random corpus ids
// (GetArticle, SimilarStories), a 20-article history (Recommend), and
// TopicClusters of --cluster_documents with a new seed each call.
//
//   ASSIGN_OR_RETURN(WorkloadSource src, LoadCorpusSource("train.jsonl", 42));
//   ASSIGN_OR_RETURN(std::vector<MixEntry> mix, ParseMix("search=80,similar=20"));
//   ASSIGN_OR_RETURN(RequestSet set, RequestSet::Build(src, mix, {}, 42));
//   const PreparedRequest& r = set.at(i);   // cycles through the set
//
// Thread-safety: a built RequestSet is immutable; at() is thread-safe.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_REQUEST_SET_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_REQUEST_SET_H_

#include <grpcpp/support/byte_buffer.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline::bench {

// The RPCs storyline-bench can send, all of StoryService.
enum class Method { kSearch, kGet, kStats, kSimilar, kRecommend, kClusters };
inline constexpr int kMethodCount = 6;
inline constexpr std::array<Method, kMethodCount> kAllMethods = {
    Method::kSearch,  Method::kGet,       Method::kStats,
    Method::kSimilar, Method::kRecommend, Method::kClusters};

// "search", "get", "stats", "similar", "recommend", "clusters".
const char* MethodName(Method method);
// The gRPC method path, e.g. "/storyline.v1.StoryService/Search"; static storage.
const std::string& MethodPath(Method method);

// Where queries and article ids come from.
struct WorkloadSource {
  std::vector<std::string> queries;  // Search queries, one per request
  std::vector<std::string> ids;      // article ids (get, similar, recommend)
};

// The first two words of `title` that are 3+ ASCII letters, lower-cased, or
// "" when it has fewer.
std::string TwoWordQuery(absl::string_view title);

// `query_count` two-word title queries and as many ids drawn (with
// replacement, by `seed`) from the JSONL corpus at `path`. kNotFound if the
// file cannot be read; kInvalidArgument if it has no usable article.
absl::StatusOr<WorkloadSource> LoadCorpusSource(const std::string& path, uint32_t seed,
                                                int query_count = 2000);
// The non-blank lines of `path` as queries (no ids). kNotFound if the file
// cannot be read; kInvalidArgument if it holds none.
absl::StatusOr<WorkloadSource> LoadQueriesFile(const std::string& path);

// One entry of --mix.
struct MixEntry {
  Method method;
  double weight;
};
// "search=80,similar=15,clusters=5" as entries. kInvalidArgument naming the
// bad part for an unknown method, a missing or non-positive weight, or a
// method given twice.
absl::StatusOr<std::vector<MixEntry>> ParseMix(absl::string_view mix);

// TopicClusters request fields (storyline-load's --cluster_* flags).
struct ClusterShape {
  int documents = 500;  // max_documents
  int count = 0;        // cluster_count; 0 = automatic
};

struct PreparedRequest {
  Method method;
  grpc::ByteBuffer payload;  // the serialized request message
};

class RequestSet {
 public:
  // `size` requests, each a method drawn by `mix` weight (seeded) and that
  // method's request over `source`. kInvalidArgument if the mix needs ids
  // (get, similar, recommend) and `source` has none, or needs queries and
  // has none.
  static absl::StatusOr<RequestSet> Build(const WorkloadSource& source,
                                          const std::vector<MixEntry>& mix,
                                          const ClusterShape& clusters, uint32_t seed,
                                          int size = 4096);

  // Request `i` modulo the set's size.
  const PreparedRequest& at(uint64_t i) const { return requests_[i % requests_.size()]; }
  size_t size() const { return requests_.size(); }

 private:
  std::vector<PreparedRequest> requests_;
};

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_REQUEST_SET_H_
