#include "bench/eval/clusters_mode.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/eval/labelled_corpus.h"

namespace storyline::eval {
namespace {

// The corpus's labels as small integers.
struct Truth {
  absl::flat_hash_map<std::string, int> of_id;  // article id -> topic index
  std::vector<std::string> topic_names;         // topic index -> name
  size_t articles = 0;
};

Truth LoadTruth(const std::string& corpus_path) {
  const std::vector<Labelled> corpus = LoadLabelled(corpus_path, false);
  Truth truth;
  truth.articles = corpus.size();
  std::map<std::string, int> topic_index;
  for (const Labelled& l : corpus) {
    auto [it, added] = topic_index.emplace(l.topic, static_cast<int>(topic_index.size()));
    truth.of_id[l.id] = it->second;
  }
  truth.topic_names.resize(topic_index.size());
  for (const auto& [name, i] : topic_index) truth.topic_names[i] = name;
  return truth;
}

// Parallel label and cluster ids of every labelled article in `resp`.
void Assignments(const v1::TopicClustersResponse& resp, const Truth& truth,
                 std::vector<int>* labels, std::vector<int>* found) {
  for (int c = 0; c < resp.clusters_size(); ++c) {
    for (const auto& m : resp.clusters(c).members()) {
      auto it = truth.of_id.find(m.article_id());
      if (it == truth.of_id.end()) continue;
      labels->push_back(it->second);
      found->push_back(c);
    }
  }
  for (const std::string& id : resp.unclustered()) {
    auto it = truth.of_id.find(id);
    if (it == truth.of_id.end()) continue;
    labels->push_back(it->second);
    found->push_back(resp.clusters_size());  // "Other topics" counts as one more cluster
  }
}

// "  "label"  size N  score S  [keywords]  mostly TOPIC (P%)" for each cluster.
void PrintClusterLines(const v1::TopicClustersResponse& resp, const Truth& truth) {
  for (int c = 0; c < resp.clusters_size(); ++c) {
    const auto& cl = resp.clusters(c);
    std::map<int, int> topics;
    for (const auto& m : cl.members()) {
      auto it = truth.of_id.find(m.article_id());
      if (it != truth.of_id.end()) ++topics[it->second];
    }
    int best = -1, best_n = 0;
    for (const auto& [t, n] : topics) {
      if (n > best_n) best = t, best_n = n;
    }
    std::string keywords;
    for (int i = 0; i < std::min(5, cl.keywords_size()); ++i) {
      absl::StrAppend(&keywords, i ? ", " : "", cl.keywords(i).term());
    }
    std::printf("  %-28s size %5d  score %.2f  [%s]  mostly %s (%.0f%%)\n",
                ("\"" + cl.label() + "\"").c_str(), cl.size(), cl.score(), keywords.c_str(),
                best >= 0 ? truth.topic_names[best].c_str() : "-",
                cl.size() ? 100.0 * best_n / cl.size() : 0.0);
  }
}

void PrintSummary(const ClustersOptions& options, int k, const v1::TopicClustersResponse& resp,
                  const Agreement& a, double ms) {
  if (options.json) {
    std::printf(
        "{\"mode\":\"clusters\",\"corpus\":\"%s\",\"cluster_count\":%d,"
        "\"clusters\":%d,\"unclustered\":%d,\"considered\":%d,\"nmi\":%.4f,"
        "\"ari\":%.4f,\"purity\":%.4f,\"ms\":%.1f}\n",
        options.corpus_path.c_str(), k, resp.clusters_size(), resp.unclustered_size(),
        resp.considered_documents(), a.nmi, a.ari, a.purity, ms);
    return;
  }
  std::printf(
      "clusters (cluster_count=%d): %d clusters + %d unclustered of %d considered; "
      "NMI %.4f, ARI %.4f, purity %.4f; %.0f ms\n",
      k, resp.clusters_size(), resp.unclustered_size(), resp.considered_documents(), a.nmi, a.ari,
      a.purity, ms);
}

// Clusters the corpus into `k` topics and reports; false if the call failed.
bool MeasureCount(Client& client, const ClustersOptions& options, const Truth& truth, int k) {
  v1::TopicClustersRequest req;
  req.set_max_documents(static_cast<int32_t>(std::min<size_t>(truth.articles, 10000)));
  req.set_cluster_count(k);
  req.set_seed(options.seed);
  const auto t0 = std::chrono::steady_clock::now();
  auto resp = client.TopicClusters(req, {.deadline = absl::Seconds(120)});
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!resp.ok()) {
    std::fprintf(stderr, "storyline-eval: TopicClusters(cluster_count=%d) failed: %s\n", k,
                 resp.status().ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
    return false;
  }
  std::vector<int> labels, found;
  Assignments(*resp, truth, &labels, &found);
  PrintSummary(options, k, *resp, Compare(labels, found), ms);
  if (!options.json) PrintClusterLines(*resp, truth);
  return true;
}

}  // namespace

Agreement Compare(const std::vector<int>& truth, const std::vector<int>& found) {
  const size_t n = truth.size();
  std::map<std::pair<int, int>, double> joint;
  std::map<int, double> a, b;
  for (size_t i = 0; i < n; ++i) {
    ++joint[{truth[i], found[i]}];
    ++a[truth[i]];
    ++b[found[i]];
  }
  auto entropy = [n](const std::map<int, double>& m) {
    double h = 0;
    for (const auto& [k, c] : m) h -= c / n * std::log(c / n);
    return h;
  };
  double mi = 0;
  for (const auto& [key, c] : joint) {
    mi += c / n * std::log(c * n / (a[key.first] * b[key.second]));
  }
  const double ha = entropy(a), hb = entropy(b);
  Agreement out;
  out.nmi = (ha + hb) > 0 ? mi / ((ha + hb) / 2) : 1.0;
  auto c2 = [](double v) { return v * (v - 1) / 2; };
  double index = 0, sa = 0, sb = 0;
  for (const auto& [key, c] : joint) index += c2(c);
  for (const auto& [k, c] : a) sa += c2(c);
  for (const auto& [k, c] : b) sb += c2(c);
  const double expected = sa * sb / c2(static_cast<double>(n));
  out.ari = (sa + sb) / 2 - expected != 0 ? (index - expected) / ((sa + sb) / 2 - expected) : 1.0;
  std::map<int, std::map<int, double>> by_found;
  for (const auto& [key, c] : joint) by_found[key.second][key.first] += c;
  double majority = 0;
  for (const auto& [f, topics] : by_found) {
    double best = 0;
    for (const auto& [t, c] : topics) best = std::max(best, c);
    majority += best;
  }
  out.purity = majority / n;
  return out;
}

int RunClusters(Client& client, const ClustersOptions& options) {
  const Truth truth = LoadTruth(options.corpus_path);
  int status = 0;
  for (absl::string_view count : absl::StrSplit(options.cluster_counts, ',')) {
    int k = 0;
    if (count == "labels") {
      k = static_cast<int>(truth.topic_names.size());
    } else if (!absl::SimpleAtoi(count, &k)) {
      std::fprintf(stderr, "storyline-eval: bad --cluster_counts entry \"%s\"\n",
                   std::string(count).c_str());
      return 2;
    }
    if (!MeasureCount(client, options, truth, k)) status = 1;
  }
  return status;
}

}  // namespace storyline::eval
