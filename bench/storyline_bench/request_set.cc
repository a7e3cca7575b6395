#include "bench/storyline_bench/request_set.h"

#include <cctype>
#include <fstream>
#include <random>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/article_jsonl.h"
#include "storyline/v1/story_service.pb.h"

namespace storyline::bench {

namespace {

grpc::ByteBuffer Serialize(const google::protobuf::MessageLite& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Request `i` of `method`, its ids and query chosen by `i`.
grpc::ByteBuffer BuildRequest(Method method, const WorkloadSource& src, const ClusterShape& shape,
                              uint64_t i) {
  const auto id = [&](uint64_t k) -> const std::string& { return src.ids[k % src.ids.size()]; };
  switch (method) {
    case Method::kSearch: {
      v1::SearchRequest req;
      req.set_query(src.queries[i % src.queries.size()]);
      return Serialize(req);
    }
    case Method::kGet: {
      v1::GetArticleRequest req;
      req.set_id(id(i));
      return Serialize(req);
    }
    case Method::kStats:
      return Serialize(v1::GetIndexStatsRequest());
    case Method::kSimilar: {
      v1::SimilarStoriesRequest req;
      req.set_article_id(id(i));
      return Serialize(req);
    }
    case Method::kRecommend: {
      v1::RecommendRequest req;
      for (uint64_t h = 0; h < 20; ++h) req.add_history()->set_article_id(id(i * 20 + h));
      return Serialize(req);
    }
    case Method::kClusters: {
      v1::TopicClustersRequest req;
      req.set_max_documents(shape.documents);
      req.set_cluster_count(shape.count);
      req.set_seed(i);
      return Serialize(req);
    }
  }
  return {};
}

bool NeedsIds(Method m) {
  return m == Method::kGet || m == Method::kSimilar || m == Method::kRecommend;
}

}  // namespace

const char* MethodName(Method method) {
  static constexpr const char* kNames[] = {"search",  "get",       "stats",
                                           "similar", "recommend", "clusters"};
  return kNames[static_cast<int>(method)];
}

const std::string& MethodPath(Method method) {
  static const auto* const kPaths = new std::array<std::string, kMethodCount>{
      "/storyline.v1.StoryService/Search",        "/storyline.v1.StoryService/GetArticle",
      "/storyline.v1.StoryService/GetIndexStats", "/storyline.v1.StoryService/SimilarStories",
      "/storyline.v1.StoryService/Recommend",     "/storyline.v1.StoryService/TopicClusters"};
  return (*kPaths)[static_cast<int>(method)];
}

std::string TwoWordQuery(absl::string_view title) {
  std::vector<std::string> words;
  for (absl::string_view w : absl::StrSplit(title, ' ', absl::SkipEmpty())) {
    std::string clean;
    for (char ch : w) {
      if (std::isalpha(static_cast<unsigned char>(ch))) {
        clean.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
      }
    }
    if (clean.size() >= 3) words.push_back(clean);
    if (words.size() == 2) return words[0] + " " + words[1];
  }
  return "";
}

absl::StatusOr<WorkloadSource> LoadCorpusSource(const std::string& path, uint32_t seed,
                                                int query_count) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--corpus: cannot read ", path));
  std::vector<std::string> ids, titles;
  common::JsonlArticleReader reader(in);
  v1::Article a;
  while (reader.NextArticle(&a)) {
    ids.push_back(a.id());
    titles.push_back(a.title());
  }
  if (ids.empty())
    return absl::InvalidArgumentError(absl::StrCat("--corpus: no articles in ", path));
  WorkloadSource src;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, ids.size() - 1);
  // Bounded: a corpus without two-word titles gets no queries, not a hang.
  for (int tries = 0;
       static_cast<int>(src.queries.size()) < query_count && tries < 50 * query_count; ++tries) {
    std::string q = TwoWordQuery(titles[pick(rng)]);
    if (!q.empty()) src.queries.push_back(std::move(q));
  }
  for (int i = 0; i < query_count; ++i) src.ids.push_back(ids[pick(rng)]);
  return src;
}

absl::StatusOr<WorkloadSource> LoadQueriesFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--queries: cannot read ", path));
  WorkloadSource src;
  for (std::string line; std::getline(in, line);) {
    absl::string_view q = absl::StripAsciiWhitespace(line);
    if (!q.empty()) src.queries.emplace_back(q);
  }
  if (src.queries.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--queries: no queries in ", path));
  }
  return src;
}

absl::StatusOr<std::vector<MixEntry>> ParseMix(absl::string_view mix) {
  std::vector<MixEntry> entries;
  absl::flat_hash_set<int> seen;
  for (absl::string_view part : absl::StrSplit(mix, ',')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, '=');
    MixEntry e{Method::kSearch, 0};
    bool known = false;
    for (Method m : kAllMethods) {
      if (kv.first == MethodName(m)) e.method = m, known = true;
    }
    if (!known || !absl::SimpleAtod(kv.second, &e.weight) || !(e.weight > 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--mix: bad entry '", part,
          "'; expected METHOD=WEIGHT with METHOD one of search, get, stats, similar, recommend, "
          "clusters and WEIGHT > 0"));
    }
    if (!seen.insert(static_cast<int>(e.method)).second) {
      return absl::InvalidArgumentError(absl::StrCat("--mix: ", kv.first, " is given twice"));
    }
    entries.push_back(e);
  }
  return entries;
}

absl::StatusOr<RequestSet> RequestSet::Build(const WorkloadSource& source,
                                             const std::vector<MixEntry>& mix,
                                             const ClusterShape& clusters, uint32_t seed,
                                             int size) {
  std::vector<double> weights;
  for (const MixEntry& e : mix) {
    if (NeedsIds(e.method) && source.ids.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--mix: ", MethodName(e.method), " needs article ids: give --corpus FILE.jsonl"));
    }
    if (e.method == Method::kSearch && source.queries.empty()) {
      return absl::InvalidArgumentError("--mix: search needs queries: no two-word titles found");
    }
    weights.push_back(e.weight);
  }
  if (mix.empty()) return absl::InvalidArgumentError("--mix: no methods given");
  std::mt19937 rng(seed);
  std::discrete_distribution<size_t> which(weights.begin(), weights.end());
  RequestSet set;
  set.requests_.reserve(size);
  for (int i = 0; i < size; ++i) {
    const Method m = mix[which(rng)].method;
    set.requests_.push_back({m, BuildRequest(m, source, clusters, static_cast<uint64_t>(i))});
  }
  return set;
}

}  // namespace storyline::bench
