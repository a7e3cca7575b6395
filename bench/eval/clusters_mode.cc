#include "bench/eval/clusters_mode.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
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

// One TopicClusters answer and its agreement with the labels.
struct Measured {
  v1::TopicClustersResponse response;
  Agreement agreement;
  double ms = 0;
};

// Clusters the corpus into `k` topics (with `seed` if set); nullopt (after
// saying why) if the call failed.
std::optional<Measured> Ask(Client& client, const Truth& truth, int k,
                            std::optional<uint32_t> seed) {
  v1::TopicClustersRequest req;
  req.set_max_documents(static_cast<int32_t>(std::min<size_t>(truth.articles, 10000)));
  req.set_cluster_count(k);
  if (seed.has_value()) req.set_seed(*seed);
  const auto t0 = std::chrono::steady_clock::now();
  auto resp = client.TopicClusters(req, {.deadline = absl::Seconds(120)});
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!resp.ok()) {
    std::fprintf(stderr, "storyline-eval: TopicClusters(cluster_count=%d) failed: %s\n", k,
                 resp.status().ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
    return std::nullopt;
  }
  std::vector<int> labels, found;
  Assignments(*resp, truth, &labels, &found);
  return Measured{std::move(*resp), Compare(labels, found), ms};
}

// Clusters the corpus into `k` topics and reports; false if the call failed.
bool MeasureCount(Client& client, const ClustersOptions& options, const Truth& truth, int k) {
  const std::optional<Measured> m = Ask(client, truth, k, options.seed);
  if (!m.has_value()) return false;
  PrintSummary(options, k, m->response, m->agreement, m->ms);
  if (!options.json) PrintClusterLines(m->response, truth);
  return true;
}

// `text` as a JSON string literal.
std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", std::string(1, c));
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out.push_back(c);
    }
  }
  return out + "\"";
}

// One seed's line (seed nullopt: the request without a seed).
void PrintSeedLine(const ClustersOptions& options, int k, std::optional<uint32_t> seed,
                   const Measured& m) {
  const v1::TopicClustersResponse& r = m.response;
  std::vector<std::string> labels;
  for (const auto& c : r.clusters()) labels.push_back(c.label());
  const Agreement& a = m.agreement;
  if (options.json) {
    std::printf(
        "{\"mode\":\"clusters\",\"cluster_count\":%d,\"seed\":%s,\"clusters\":%d,"
        "\"unclustered\":%d,\"nmi\":%.4f,\"ari\":%.4f,\"purity\":%.4f,\"ms\":%.1f,"
        "\"labels\":[%s]}\n",
        k, seed.has_value() ? absl::StrCat(*seed).c_str() : "null", r.clusters_size(),
        r.unclustered_size(), a.nmi, a.ari, a.purity, m.ms,
        absl::StrJoin(labels, ",", [](std::string* out, const std::string& l) {
          out->append(JsonString(l));
        }).c_str());
    return;
  }
  std::printf("%-8s k=%-2d +%d unclustered  NMI %.4f  ARI %.4f  purity %.4f  %5.0f ms  [%s]\n",
              seed.has_value() ? absl::StrCat("seed ", *seed).c_str() : "no seed",
              r.clusters_size(), r.unclustered_size(), a.nmi, a.ari, a.purity, m.ms,
              absl::StrJoin(labels, " | ").c_str());
}

// NMI min / median / max over the seeds, and how many chose the modal k.
void PrintSeedSummary(const ClustersOptions& options, int k, std::vector<double> nmi,
                      const std::vector<int>& ks) {
  std::sort(nmi.begin(), nmi.end());
  const size_t n = nmi.size();
  const double median = n % 2 == 1 ? nmi[n / 2] : (nmi[n / 2 - 1] + nmi[n / 2]) / 2;
  std::map<int, int> votes;
  for (int found : ks) ++votes[found];
  int modal = 0, modal_seeds = 0;
  for (const auto& [found, count] : votes) {
    if (count > modal_seeds) modal = found, modal_seeds = count;
  }
  if (options.json) {
    std::printf(
        "{\"mode\":\"clusters\",\"summary\":true,\"cluster_count\":%d,\"seeds\":%zu,"
        "\"nmi_min\":%.4f,\"nmi_median\":%.4f,\"nmi_max\":%.4f,\"modal_k\":%d,"
        "\"modal_k_seeds\":%d}\n",
        k, n, nmi.front(), median, nmi.back(), modal, modal_seeds);
    return;
  }
  std::printf(
      "summary (cluster_count=%d, %zu seeds): NMI min %.4f, median %.4f, max %.4f; "
      "k=%d for %d of %zu seeds\n",
      k, n, nmi.front(), median, nmi.back(), modal, modal_seeds, n);
}

// Clusters the corpus into `k` topics once per seed, then with no seed,
// and summarises; false if a call failed.
bool MeasureSeeds(Client& client, const ClustersOptions& options, const Truth& truth, int k) {
  std::vector<double> nmi;
  std::vector<int> ks;
  for (uint32_t seed : options.seeds) {
    const std::optional<Measured> m = Ask(client, truth, k, seed);
    if (!m.has_value()) return false;
    PrintSeedLine(options, k, seed, *m);
    nmi.push_back(m->agreement.nmi);
    ks.push_back(m->response.clusters_size());
  }
  const std::optional<Measured> unseeded = Ask(client, truth, k, std::nullopt);
  if (!unseeded.has_value()) return false;
  PrintSeedLine(options, k, std::nullopt, *unseeded);
  PrintSeedSummary(options, k, std::move(nmi), ks);
  return true;
}

}  // namespace

absl::StatusOr<std::vector<uint32_t>> ParseSeeds(absl::string_view text) {
  constexpr size_t kMaxSeeds = 1000;
  std::vector<uint32_t> seeds;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    const std::vector<absl::string_view> ends = absl::StrSplit(part, absl::MaxSplits('-', 1));
    uint32_t first = 0, last = 0;
    if (!absl::SimpleAtoi(ends[0], &first) ||
        !absl::SimpleAtoi(ends.size() == 2 ? ends[1] : ends[0], &last) || last < first ||
        last - first >= kMaxSeeds) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--seeds: \"", part,
          "\" is not a seed or a range FIRST-LAST (FIRST <= LAST, at most 1000 seeds); "
          "write e.g. --seeds=0-9 or --seeds=1,5,7"));
    }
    for (uint64_t s = first; s <= last; ++s) seeds.push_back(static_cast<uint32_t>(s));
    if (seeds.size() > kMaxSeeds) {
      return absl::InvalidArgumentError("--seeds: more than 1000 seeds");
    }
  }
  return seeds;
}

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
  const auto measure = options.seeds.empty() ? MeasureCount : MeasureSeeds;
  for (absl::string_view count : absl::StrSplit(options.cluster_counts, ',')) {
    int k = 0;
    if (count == "labels") {
      k = static_cast<int>(truth.topic_names.size());
    } else if (!absl::SimpleAtoi(count, &k)) {
      std::fprintf(stderr, "storyline-eval: bad --cluster_counts entry \"%s\"\n",
                   std::string(count).c_str());
      return 2;
    }
    if (!measure(client, options, truth, k)) status = 1;
  }
  return status;
}

}  // namespace storyline::eval
