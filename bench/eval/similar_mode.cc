#include "bench/eval/similar_mode.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "bench/eval/labelled_corpus.h"
#include "common/percentile.h"

namespace storyline::eval {
namespace {

// The measurements of the sampled queries.
struct SimilarTally {
  double sum_precision = 0;
  int errors = 0;
  std::vector<double> latency_ms;
};

// Sends one query article and adds its precision@k (by `topic_of`) and
// latency to `tally`.
void MeasureQuery(Client& client, const Labelled& q, bool text_mode, int k,
                  const absl::flat_hash_map<std::string, std::string>& topic_of,
                  SimilarTally* tally) {
  v1::SimilarStoriesRequest req;
  if (text_mode) {
    req.set_text(q.text.substr(0, 1 << 20));
  } else {
    req.set_article_id(q.id);
  }
  req.set_page_size(k);
  const auto t0 = std::chrono::steady_clock::now();
  auto resp = client.SimilarStories(req);
  tally->latency_ms.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  if (!resp.ok()) {
    ++tally->errors;
    return;
  }
  int hits = 0;
  for (const auto& s : resp->stories()) {
    auto it = topic_of.find(s.article().id());
    if (it != topic_of.end() && it->second == q.topic) ++hits;
  }
  tally->sum_precision += static_cast<double>(hits) / k;
}

void PrintSummary(const SimilarOptions& options, size_t queries, const SimilarTally& tally) {
  const double p_at_k = tally.sum_precision / queries;
  const double p50 = common::Percentile(tally.latency_ms, 0.5),
               p99 = common::Percentile(tally.latency_ms, 0.99);
  if (options.json) {
    std::printf(
        "{\"mode\":\"%s\",\"corpus\":\"%s\",\"queries\":%zu,\"errors\":%d,\"k\":%d,"
        "\"precision_at_k\":%.4f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
        options.mode.c_str(), options.corpus_path.c_str(), queries, tally.errors, options.k, p_at_k,
        p50, p99);
  } else {
    std::printf("%s: P@%d = %.4f over %zu queries (%d errors); latency p50 %.2f ms, p99 %.2f ms\n",
                options.mode.c_str(), options.k, p_at_k, queries, tally.errors, p50, p99);
  }
}

}  // namespace

int RunSimilar(Client& client, const SimilarOptions& options) {
  const bool text_mode = options.mode == "similar-text";
  std::vector<Labelled> queries =
      LoadLabelled(text_mode ? options.queries_path : options.corpus_path, text_mode);
  if (queries.empty()) {
    std::fprintf(stderr, "storyline-eval: no labelled articles to query with\n");
    return 2;
  }
  // Topics of everything indexed, to label results.
  absl::flat_hash_map<std::string, std::string> topic_of;
  for (const Labelled& l : text_mode ? LoadLabelled(options.corpus_path, false) : queries) {
    topic_of[l.id] = l.topic;
  }
  std::mt19937 rng(options.seed);
  std::shuffle(queries.begin(), queries.end(), rng);
  if (static_cast<int>(queries.size()) > options.sample) queries.resize(options.sample);
  SimilarTally tally;
  for (const Labelled& q : queries) MeasureQuery(client, q, text_mode, options.k, topic_of, &tally);
  PrintSummary(options, queries.size(), tally);
  return tally.errors == 0 ? 0 : 1;
}

}  // namespace storyline::eval
