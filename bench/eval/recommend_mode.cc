#include "bench/eval/recommend_mode.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <map>
#include <random>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "common/percentile.h"

namespace storyline::eval {
namespace {

// The measurements of the histories asked with.
struct RecommendTally {
  double sum_share = 0;
  int errors = 0;
  int short_pages = 0;  // fewer than k stories returned
  std::vector<double> latency_ms;
};

// Asks for the top k after `history` and adds the share of them in `topic`
// (a missing story counts as off topic) and the latency to `tally`.
void MeasureHistory(Client& client, const std::vector<std::string>& history,
                    const std::string& topic, int k,
                    const absl::flat_hash_map<std::string, std::string>& topic_of,
                    RecommendTally* tally) {
  v1::RecommendRequest req;
  for (const std::string& id : history) req.add_history()->set_article_id(id);
  req.set_page_size(k);
  req.set_diversity(0);
  const auto t0 = std::chrono::steady_clock::now();
  auto resp = client.Recommend(req);
  tally->latency_ms.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  if (!resp.ok()) {
    ++tally->errors;
    std::fprintf(stderr, "storyline-eval: Recommend: %s\n",
                 resp.status().ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
    return;
  }
  int on_topic = 0;
  for (const auto& s : resp->stories()) {
    auto it = topic_of.find(s.article().id());
    if (it != topic_of.end() && it->second == topic) ++on_topic;
  }
  if (resp->stories_size() < k) ++tally->short_pages;
  tally->sum_share += static_cast<double>(on_topic) / k;
}

void PrintSummary(const RecommendOptions& options, size_t histories, const RecommendTally& tally) {
  const double share = tally.sum_share / histories;
  const double p50 = common::Percentile(tally.latency_ms, 0.5),
               p99 = common::Percentile(tally.latency_ms, 0.99);
  if (options.json) {
    std::printf(
        "{\"mode\":\"recommend\",\"corpus\":\"%s\",\"histories\":%zu,\"history_length\":%d,"
        "\"seed\":%u,\"k\":%d,\"errors\":%d,\"short_pages\":%d,\"on_topic_share\":%.4f,"
        "\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
        options.corpus_path.c_str(), histories, options.history_length, options.seed, options.k,
        tally.errors, tally.short_pages, share, p50, p99);
  } else {
    std::printf(
        "recommend: on-topic share of the top %d = %.4f over %zu histories of %d (seed %u; %d "
        "errors, %d short pages); latency p50 %.2f ms, p99 %.2f ms\n",
        options.k, share, histories, options.history_length, options.seed, tally.errors,
        tally.short_pages, p50, p99);
  }
}

}  // namespace

std::vector<std::vector<std::string>> DrawHistories(const std::vector<Labelled>& corpus, int count,
                                                    int length, uint32_t seed) {
  std::map<std::string, std::vector<std::string>> by_topic;  // ordered: same draw every run
  for (const Labelled& l : corpus) by_topic[l.topic].push_back(l.id);
  std::vector<const std::vector<std::string>*> topics;
  for (const auto& [topic, ids] : by_topic) {
    if (static_cast<int>(ids.size()) >= length) topics.push_back(&ids);
  }
  std::vector<std::vector<std::string>> histories;
  if (topics.empty() || length < 1) return histories;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> pick_topic(0, topics.size() - 1);
  for (int h = 0; h < count; ++h) {
    const std::vector<std::string>& ids = *topics[pick_topic(rng)];
    std::vector<std::string>& history = histories.emplace_back();
    std::sample(ids.begin(), ids.end(), std::back_inserter(history), length, rng);
    std::shuffle(history.begin(), history.end(), rng);  // no order from the file
  }
  return histories;
}

int RunRecommend(Client& client, const RecommendOptions& options) {
  if (options.histories < 1 || options.history_length < 1 || options.history_length > 500 ||
      options.k < 1 || options.k > 100) {
    std::fprintf(stderr,
                 "storyline-eval: --histories must be >= 1, --history_length 1..500 and --k "
                 "1..100\n");
    return 2;
  }
  const std::vector<Labelled> corpus = LoadLabelled(options.corpus_path, /*keep_text=*/false);
  const std::vector<std::vector<std::string>> histories =
      DrawHistories(corpus, options.histories, options.history_length, options.seed);
  if (histories.empty()) {
    std::fprintf(stderr, "storyline-eval: no topic of %s has %d articles for a history\n",
                 options.corpus_path.c_str(), options.history_length);
    return 2;
  }
  absl::flat_hash_map<std::string, std::string> topic_of;
  for (const Labelled& l : corpus) topic_of[l.id] = l.topic;
  RecommendTally tally;
  for (const std::vector<std::string>& history : histories) {
    MeasureHistory(client, history, topic_of.at(history.front()), options.k, topic_of, &tally);
  }
  PrintSummary(options, histories.size(), tally);
  return tally.errors == 0 ? 0 : 1;
}

}  // namespace storyline::eval
