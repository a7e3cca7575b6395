// storyline-load: drives a live server through storyline::Client and
// reports latency percentiles and throughput, like leveldb's db_bench.
//
//   storyline-load --addr=localhost:50051 --workloads=search 
//       --corpus=../shared/data/20news/articles-train.jsonl --requests=1000
//
// Workloads:
//   search  two-word queries taken from corpus titles (fixed seed), one
//           Search RPC each, `--concurrency` client threads.
//   get     GetArticle of random corpus ids.
//   similar SimilarStories of random corpus ids.
//   clusters   TopicClusters of the newest --cluster_documents articles.
//   recommend  Recommend with a 20-article history of random corpus ids.
// Requests are bounded in count and time (--max_seconds); only loopback or
// the given address is contacted.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "storyline/client.h"
#include "storyline/credentials.h"

ABSL_FLAG(std::string, addr, "localhost:50051", "Server address.");
ABSL_FLAG(std::string, workloads, "search", "Comma-separated: search, get.");
ABSL_FLAG(std::string, corpus, "", "JSONL corpus the queries and ids are drawn from.");
ABSL_FLAG(int, requests, 1000, "Requests per workload.");
ABSL_FLAG(int, cluster_documents, 500, "clusters: max_documents per request.");
ABSL_FLAG(int, cluster_count, 0, "clusters: cluster_count per request (0 = automatic).");
ABSL_FLAG(int, concurrency, 1, "Client threads.");
ABSL_FLAG(int, warmup, 50, "Untimed requests before measuring.");
ABSL_FLAG(uint32_t, seed, 42, "Random seed for query selection.");
ABSL_FLAG(double, max_seconds, 300, "Stop a workload after this long.");
ABSL_FLAG(bool, json, false, "Print one JSON object per workload.");
ABSL_FLAG(std::string, token_file, "",
          "File holding the bearer token, for servers started with --read_token_file.");
ABSL_FLAG(std::string, tls_ca, "",
          "Connect with TLS, trusting these PEM CA certificates (for servers with --tls_cert).");

namespace {

struct Corpus {
  std::vector<std::string> ids;
  std::vector<std::string> titles;
};

Corpus LoadCorpus(const std::string& path) {
  Corpus c;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto a = storyline::ParseArticleJson(line);
    if (!a.ok()) continue;
    c.ids.push_back(a->id());
    c.titles.push_back(a->title());
  }
  return c;
}

// The first two words of `title` that are 3+ ASCII letters, lower-cased.
std::string TwoWords(const std::string& title) {
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

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

template <typename Fn>
void RunWorkload(const std::string& name, int n, Fn call) {
  const int threads = std::max(1, absl::GetFlag(FLAGS_concurrency));
  const double max_s = absl::GetFlag(FLAGS_max_seconds);
  for (int i = 0; i < absl::GetFlag(FLAGS_warmup); ++i) call(i);
  std::atomic<int> next{0};
  std::atomic<int> errors{0};
  std::vector<std::vector<double>> lat(threads);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i; (i = next.fetch_add(1)) < n;) {
        const auto t0 = std::chrono::steady_clock::now();
        if (std::chrono::duration<double>(t0 - start).count() > max_s) break;
        if (!call(i)) errors.fetch_add(1);
        lat[t].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
      }
    });
  }
  for (auto& th : pool) th.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  const size_t done = all.size();
  double mean = 0;
  for (double x : all) mean += x;
  mean = done ? mean / done : 0;
  const double p50 = Percentile(all, 0.50), p95 = Percentile(all, 0.95),
               p99 = Percentile(all, 0.99), mx = all.empty() ? 0 : all.back();
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"workload\":\"%s\",\"requests\":%zu,\"errors\":%d,\"concurrency\":%d,"
        "\"seconds\":%.3f,\"qps\":%.1f,\"mean_ms\":%.3f,\"p50_ms\":%.3f,\"p95_ms\":%.3f,"
        "\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
        name.c_str(), done, errors.load(), threads, secs, done / secs, mean, p50, p95, p99, mx);
  } else {
    std::printf(
        "%-8s requests=%zu errors=%d concurrency=%d  %.1f req/s  mean %.3f ms  p50 %.3f ms  "
        "p95 %.3f ms  p99 %.3f ms  max %.3f ms\n",
        name.c_str(), done, errors.load(), threads, done / secs, mean, p50, p95, p99, mx);
  }
}

// --token_file and --tls_ca into `options`.
absl::Status ApplySecurityFlags(storyline::ClientOptions* options) {
  if (const std::string path = absl::GetFlag(FLAGS_token_file); !path.empty()) {
    absl::StatusOr<std::string> token = storyline::ReadTokenFile(path);
    if (!token.ok()) return token.status();
    options->token = std::move(*token);
  }
  if (const std::string ca = absl::GetFlag(FLAGS_tls_ca); !ca.empty()) {
    auto creds = storyline::MakeTlsCredentials({.ca_file = ca});
    if (!creds.ok()) return creds.status();
    options->credentials = std::move(*creds);
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string corpus_path = absl::GetFlag(FLAGS_corpus);
  if (corpus_path.empty()) {
    std::fprintf(stderr, "storyline-load: --corpus=FILE.jsonl is required\n");
    return 2;
  }
  Corpus corpus = LoadCorpus(corpus_path);
  if (corpus.ids.empty()) {
    std::fprintf(stderr, "storyline-load: no articles in %s\n", corpus_path.c_str());
    return 2;
  }
  storyline::ClientOptions options{.target = absl::GetFlag(FLAGS_addr)};
  if (absl::Status s = ApplySecurityFlags(&options); !s.ok()) {
    std::fprintf(stderr, "storyline-load: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  storyline::Client client(std::move(options));
  if (absl::Status h = client.CheckHealth(); !h.ok()) {
    std::fprintf(stderr, "storyline-load: server not healthy: %s\n", h.ToString().c_str());
    return 3;
  }
  const int n = absl::GetFlag(FLAGS_requests);
  std::mt19937 rng(absl::GetFlag(FLAGS_seed));
  std::vector<std::string> queries;
  std::vector<std::string> ids;
  std::uniform_int_distribution<size_t> pick(0, corpus.ids.size() - 1);
  while (static_cast<int>(queries.size()) < n) {
    std::string q = TwoWords(corpus.titles[pick(rng)]);
    if (!q.empty()) queries.push_back(std::move(q));
  }
  for (int i = 0; i < n; ++i) ids.push_back(corpus.ids[pick(rng)]);

  for (absl::string_view w : absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',')) {
    if (w == "search") {
      RunWorkload("search", n, [&](int i) {
        storyline::v1::SearchRequest req;
        req.set_query(queries[i % queries.size()]);
        return client.Search(req).ok();
      });
    } else if (w == "similar") {
      RunWorkload("similar", n, [&](int i) {
        storyline::v1::SimilarStoriesRequest req;
        req.set_article_id(ids[i % ids.size()]);
        return client.SimilarStories(req).ok();
      });
    } else if (w == "recommend") {
      // A 20-article history of random corpus articles.
      RunWorkload("recommend", n, [&](int i) {
        storyline::v1::RecommendRequest req;
        for (int h = 0; h < 20; ++h) {
          req.add_history()->set_article_id(ids[(i * 20 + h) % ids.size()]);
        }
        return client.Recommend(req).ok();
      });
    } else if (w == "clusters") {
      // TopicClusters of the newest --cluster_documents articles, a new
      // seed each time.
      const std::string name = absl::StrCat("clusters/", absl::GetFlag(FLAGS_cluster_documents));
      RunWorkload(name, n, [&](int i) {
        storyline::v1::TopicClustersRequest req;
        req.set_max_documents(absl::GetFlag(FLAGS_cluster_documents));
        req.set_cluster_count(absl::GetFlag(FLAGS_cluster_count));
        req.set_seed(static_cast<uint64_t>(i));
        return client.TopicClusters(req, {.deadline = absl::Seconds(30)}).ok();
      });
    } else if (w == "get") {
      RunWorkload("get", n, [&](int i) { return client.GetArticle(ids[i % ids.size()]).ok(); });
    } else {
      std::fprintf(stderr, "storyline-load: unknown workload '%s'\n", std::string(w).c_str());
      return 2;
    }
  }
  return 0;
}
