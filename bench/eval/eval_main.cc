// storyline-eval: measures the quality of Storyline's similar stories on a
// labelled JSONL corpus, through a real server and the client library, so
// what it measures is what users get.
//
//   # article_id mode: index a corpus, query with a sample of its own ids
//   storyline-eval --addr=localhost:50051 --mode=similar --ingest
//       --corpus=../shared/data/bbc/articles.jsonl
//   # text mode: index one file, query with the text of articles from another
//   storyline-eval --addr=localhost:50051 --mode=similar-text --ingest
//       --corpus=../shared/data/20news/articles-train.jsonl 
//       --queries=../shared/data/20news/articles-test.jsonl
//
// Precision@10 is the share of the top 10 results whose `topic` equals the
// query article's (missing results count as misses), averaged over a
// fixed-seed sample of --sample query articles (all of them if fewer).
// Also reports latency percentiles of the SimilarStories calls.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "storyline/client.h"

ABSL_FLAG(std::string, addr, "localhost:50051", "Server address.");
ABSL_FLAG(std::string, mode, "similar", "similar (article_id) or similar-text.");
ABSL_FLAG(std::string, corpus, "", "Labelled JSONL corpus that is (or gets) indexed.");
ABSL_FLAG(std::string, queries, "", "similar-text: JSONL whose articles' text is the query.");
ABSL_FLAG(bool, ingest, false, "Ingest --corpus through the server first.");
ABSL_FLAG(int, sample, 1000, "Query articles to sample (fixed seed); all if fewer.");
ABSL_FLAG(uint32_t, seed, 42, "Sampling seed.");
ABSL_FLAG(int, k, 10, "Results per query (precision@k).");
ABSL_FLAG(int, wait_semantic_seconds, 120,
          "Wait up to this long for the server's semantic model to cover the index.");
ABSL_FLAG(bool, json, false, "Print the summary as one JSON object.");

namespace {

struct Labelled {
  std::string id, topic, text;
};

std::vector<Labelled> Load(const std::string& path, bool keep_text) {
  std::vector<Labelled> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto a = storyline::ParseArticleJson(line);
    if (!a.ok() || a->topic().empty()) continue;
    out.push_back({a->id(), a->topic(),
                   keep_text ? a->title() + "\n\n" + a->body() : std::string()});
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const std::string corpus_path = absl::GetFlag(FLAGS_corpus);
  if (corpus_path.empty() || (mode != "similar" && mode != "similar-text") ||
      (mode == "similar-text" && absl::GetFlag(FLAGS_queries).empty())) {
    std::fprintf(stderr,
                 "usage: storyline-eval --mode=similar|similar-text --corpus=FILE "
                 "[--queries=FILE] [--ingest] [--addr=HOST:PORT]\n");
    return 2;
  }
  storyline::Client client({.target = absl::GetFlag(FLAGS_addr),
                            .default_deadline = absl::Seconds(30)});
  if (absl::Status h = client.CheckHealth(); !h.ok()) {
    std::fprintf(stderr, "storyline-eval: server not healthy: %s\n", h.ToString().c_str());
    return 3;
  }

  if (absl::GetFlag(FLAGS_ingest)) {
    std::ifstream in(corpus_path);
    std::string line;
    const auto t0 = std::chrono::steady_clock::now();
    auto resp = client.IndexArticles(storyline::Client::ArticleSource([&](storyline::v1::Article* a) {
      while (std::getline(in, line)) {
        auto parsed = storyline::ParseArticleJson(line);
        if (parsed.ok()) {
          *a = std::move(*parsed);
          return true;
        }
      }
      return false;
    }));
    if (!resp.ok()) {
      std::fprintf(stderr, "storyline-eval: ingest failed: %s\n", resp.status().ToString().c_str());
      return 3;
    }
    std::fprintf(stderr, "ingested %lld articles (%d rejected) in %.1f s\n",
                 static_cast<long long>(resp->indexed_count() + resp->updated_count()),
                 resp->errors_size(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }

  // The server builds its semantic model in the background once ingest goes
  // quiet; measure what users get after that, not the warm-up.
  if (absl::GetFlag(FLAGS_wait_semantic_seconds) > 0) {
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
      auto stats = client.GetIndexStats();
      if (!stats.ok() || stats->semantic_articles() >= stats->article_count()) break;
      if (std::chrono::steady_clock::now() - t0 >
          std::chrono::seconds(absl::GetFlag(FLAGS_wait_semantic_seconds))) {
        std::fprintf(stderr, "storyline-eval: semantic model not ready; measuring without it\n");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  const bool text_mode = mode == "similar-text";
  std::vector<Labelled> queries = Load(text_mode ? absl::GetFlag(FLAGS_queries) : corpus_path,
                                       text_mode);
  if (queries.empty()) {
    std::fprintf(stderr, "storyline-eval: no labelled articles to query with\n");
    return 2;
  }
  // Topics of everything indexed, to label results.
  absl::flat_hash_map<std::string, std::string> topic_of;
  for (const Labelled& l : text_mode ? Load(corpus_path, false) : queries) topic_of[l.id] = l.topic;

  std::mt19937 rng(absl::GetFlag(FLAGS_seed));
  std::shuffle(queries.begin(), queries.end(), rng);
  if (static_cast<int>(queries.size()) > absl::GetFlag(FLAGS_sample)) {
    queries.resize(absl::GetFlag(FLAGS_sample));
  }
  const int k = absl::GetFlag(FLAGS_k);
  double sum_precision = 0;
  int errors = 0;
  std::vector<double> latency_ms;
  for (const Labelled& q : queries) {
    storyline::v1::SimilarStoriesRequest req;
    if (text_mode) {
      req.set_text(q.text.substr(0, 1 << 20));
    } else {
      req.set_article_id(q.id);
    }
    req.set_page_size(k);
    const auto t0 = std::chrono::steady_clock::now();
    auto resp = client.SimilarStories(req);
    latency_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!resp.ok()) {
      ++errors;
      continue;
    }
    int hits = 0;
    for (const auto& s : resp->stories()) {
      auto it = topic_of.find(s.article().id());
      if (it != topic_of.end() && it->second == q.topic) ++hits;
    }
    sum_precision += static_cast<double>(hits) / k;
  }
  const double p_at_k = sum_precision / queries.size();
  const double p50 = Percentile(latency_ms, 0.5), p99 = Percentile(latency_ms, 0.99);
  if (absl::GetFlag(FLAGS_json)) {
    std::printf("{\"mode\":\"%s\",\"corpus\":\"%s\",\"queries\":%zu,\"errors\":%d,\"k\":%d,"
                "\"precision_at_k\":%.4f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
                mode.c_str(), corpus_path.c_str(), queries.size(), errors, k, p_at_k, p50, p99);
  } else {
    std::printf("%s: P@%d = %.4f over %zu queries (%d errors); latency p50 %.2f ms, p99 %.2f ms\n",
                mode.c_str(), k, p_at_k, queries.size(), errors, p50, p99);
  }
  return errors == 0 ? 0 : 1;
}
