// storyline-load: drives a live server through storyline::Client and
// reports latency percentiles and throughput, like leveldb's db_bench.
//
//   storyline-load --addr=localhost:50051 --workloads=search
//       --corpus=../shared/data/20news/articles-train.jsonl --requests=1000
//
// Workloads (--workloads, comma-separated):
//   search     two-word queries taken from corpus titles (fixed seed), one
//              Search RPC each.
//   get        GetArticle of random corpus ids.
//   stats      GetIndexStats.
//   similar    SimilarStories of random corpus ids.
//   recommend  Recommend with a 20-article history of random corpus ids.
//   clusters   TopicClusters with --cluster_documents as max_documents and
//              --cluster_count, a new seed each call; reported as
//              "clusters/<cluster_documents>".
//   mix        each request one of the above, drawn with the --mix weights;
//              results are reported per method and over all of them.
// Each workload runs --concurrency client threads unless it names its own
// count, `clusters:8`.
// Workloads run one after another, or all at once with --together (e.g.
// TopicClusters saturating the server while searches measure what cheap
// calls see).
//
// Only OK calls count towards the latency percentiles. A call refused with
// RESOURCE_EXHAUSTED (admission control) is counted as rejected, and its
// thread waits the server's retry delay (RetryDelay(), +-20% jitter) before
// its next call, as a well-behaved client would (--honor_retry_after).
// Requests are bounded in count and time (--max_seconds); only loopback or
// the given address is contacted. Calls that fail otherwise are counted as
// errors, broken down by status code. A method none of whose calls
// succeeded has no throughput or latency to report; if that is a whole
// workload, the exit code is 1.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/load/load_report.h"
#include "common/article_jsonl.h"
#include "common/tool_usage.h"
#include "storyline/client.h"
#include "storyline/credentials.h"

ABSL_FLAG(std::string, addr, "localhost:50051", "Server address.");
ABSL_FLAG(std::string, workloads, "search",
          "Comma-separated: search, get, stats, similar, recommend, clusters, mix; each "
          "optionally NAME:THREADS.");
ABSL_FLAG(std::string, mix, "search:60,get:15,stats:5,similar:8,recommend:7,clusters:5",
          "mix: METHOD:WEIGHT pairs.");
ABSL_FLAG(bool, together, false, "Run the workloads at the same time instead of in turn.");
ABSL_FLAG(std::string, corpus, "", "JSONL corpus the queries and ids are drawn from.");
ABSL_FLAG(int, requests, 1000, "Requests per workload.");
ABSL_FLAG(int, cluster_documents, 500, "clusters: max_documents per request.");
ABSL_FLAG(int, cluster_count, 0, "clusters: cluster_count per request (0 = automatic).");
ABSL_FLAG(int, concurrency, 1, "Client threads per workload without its own :THREADS.");
ABSL_FLAG(int, warmup, 50, "Untimed requests before measuring.");
ABSL_FLAG(uint32_t, seed, 42, "Random seed for query selection.");
ABSL_FLAG(double, max_seconds, 300, "Stop a workload after this long.");
ABSL_FLAG(bool, honor_retry_after, true,
          "After a RESOURCE_EXHAUSTED with a retry delay, wait that long before the next call.");
ABSL_FLAG(bool, json, false, "Print one JSON object per workload and method.");
ABSL_FLAG(std::string, token_file, "",
          "File holding the bearer token, for servers started with --read_token_file.");
ABSL_FLAG(std::string, tls_ca, "",
          "Connect with TLS, trusting these PEM CA certificates (for servers with --tls_cert).");

namespace {

using storyline::bench::Report;
using storyline::bench::Tally;

struct Corpus {
  std::vector<std::string> ids;
  std::vector<std::string> titles;
};

Corpus LoadCorpus(const std::string& path) {
  Corpus c;
  std::ifstream in(path);
  storyline::common::JsonlArticleReader reader(in);
  storyline::v1::Article a;
  while (reader.NextArticle(&a)) {
    c.ids.push_back(a.id());
    c.titles.push_back(a.title());
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

// One call's method (for the report) and outcome.
struct Outcome {
  std::string method;
  absl::Status status;
};
using Call = std::function<Outcome(int i, std::mt19937& rng)>;

struct Workload {
  std::string name;
  int threads = 1;
  Call call = nullptr;
};

using Tallies = std::map<std::string, Tally>;

void Record(const Outcome& out, double ms, Tallies* tallies, std::mt19937& rng) {
  Tally& t = (*tallies)[out.method];
  if (out.status.ok()) {
    t.ok_ms.push_back(ms);
    return;
  }
  if (out.status.code() != absl::StatusCode::kResourceExhausted) {
    ++t.errors;
    ++t.errors_by_code[out.status.code()];
    if (t.first_error.empty())
      t.first_error = out.status.ToString(absl::StatusToStringMode::kWithNoExtraData);
    return;
  }
  ++t.rejected;
  t.slowest_rejection_ms = std::max(t.slowest_rejection_ms, ms);
  if (!absl::GetFlag(FLAGS_honor_retry_after)) return;
  if (std::optional<absl::Duration> delay = storyline::RetryDelay(out.status)) {
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    absl::SleepFor(*delay * jitter(rng));
  }
}

// Reports each method of `workload` from its threads' tallies, and a mix
// also over every call it made; false (and says so) if every call failed.
bool ReportWorkload(const Workload& workload, const std::vector<Tallies>& per_thread, double secs) {
  const bool json = absl::GetFlag(FLAGS_json);
  Tallies merged;
  Tally all;
  for (const Tallies& tallies : per_thread) {
    for (const auto& [method, tally] : tallies) {
      merged[method].Merge(tally);
      all.Merge(tally);
    }
  }
  for (auto& [method, tally] : merged) {
    Report(workload.name, method, workload.threads, secs, json, tally);
  }
  if (merged.size() > 1) Report(workload.name, "all", workload.threads, secs, json, all);
  if (!all.AllFailed()) return true;
  std::fprintf(stderr, "storyline-load: every call of %s failed\n", workload.name.c_str());
  return false;
}

// Runs `workloads` at the same time, each with its own threads and its own
// --requests budget (after --warmup untimed calls each), and reports each
// method of each. False if every call of some workload failed.
bool RunTogether(const std::vector<Workload>& workloads) {
  const int n = absl::GetFlag(FLAGS_requests);
  const double max_s = absl::GetFlag(FLAGS_max_seconds);
  for (const Workload& w : workloads) {
    std::mt19937 rng(absl::GetFlag(FLAGS_seed));
    for (int i = 0; i < absl::GetFlag(FLAGS_warmup); ++i) w.call(i, rng);
  }
  std::vector<std::atomic<int>> next(workloads.size());
  std::vector<std::vector<Tallies>> tallies(workloads.size());
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t wi = 0; wi < workloads.size(); ++wi) {
    tallies[wi].resize(workloads[wi].threads);
    for (int t = 0; t < workloads[wi].threads; ++t) {
      threads.emplace_back([&, wi, t] {
        std::mt19937 rng(absl::GetFlag(FLAGS_seed) + 1000 * wi + t);
        for (int i; (i = next[wi].fetch_add(1)) < n;) {
          const auto t0 = std::chrono::steady_clock::now();
          if (std::chrono::duration<double>(t0 - start).count() > max_s) break;
          Outcome out = workloads[wi].call(i, rng);
          const double ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                  .count();
          Record(out, ms, &tallies[wi][t], rng);
        }
      });
    }
  }
  for (auto& th : threads) th.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  bool ok = true;
  for (size_t wi = 0; wi < workloads.size(); ++wi) {
    ok = ReportWorkload(workloads[wi], tallies[wi], secs) && ok;
  }
  return ok;
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

// The calls each workload makes, over queries and ids drawn from a corpus.
class Calls {
 public:
  Calls(storyline::Client* client, const Corpus& corpus, int n) : client_(client) {
    std::mt19937 rng(absl::GetFlag(FLAGS_seed));
    std::uniform_int_distribution<size_t> pick(0, corpus.ids.size() - 1);
    while (static_cast<int>(queries_.size()) < n) {
      std::string q = TwoWords(corpus.titles[pick(rng)]);
      if (!q.empty()) queries_.push_back(std::move(q));
    }
    for (int i = 0; i < n; ++i) ids_.push_back(corpus.ids[pick(rng)]);
  }

  // The call of workload `name`, or an empty function if there is none.
  Call Get(const std::string& name) {
    if (name == "search") return [this](int i, std::mt19937&) { return Search(i); };
    if (name == "get") return [this](int i, std::mt19937&) { return GetArticle(i); };
    if (name == "stats") return [this](int, std::mt19937&) { return Stats(); };
    if (name == "similar") return [this](int i, std::mt19937&) { return Similar(i); };
    if (name == "recommend") return [this](int i, std::mt19937&) { return Recommend(i); };
    if (name == "clusters") return [this](int i, std::mt19937&) { return Clusters(i); };
    if (name == "mix") return Mix();
    return nullptr;
  }

 private:
  Outcome Search(int i) {
    storyline::v1::SearchRequest req;
    req.set_query(queries_[i % queries_.size()]);
    return {"search", client_->Search(req).status()};
  }
  Outcome GetArticle(int i) { return {"get", client_->GetArticle(ids_[i % ids_.size()]).status()}; }
  Outcome Stats() { return {"stats", client_->GetIndexStats().status()}; }
  Outcome Similar(int i) {
    storyline::v1::SimilarStoriesRequest req;
    req.set_article_id(ids_[i % ids_.size()]);
    return {"similar", client_->SimilarStories(req).status()};
  }
  // A 20-article history of random corpus articles.
  Outcome Recommend(int i) {
    storyline::v1::RecommendRequest req;
    for (int h = 0; h < 20; ++h)
      req.add_history()->set_article_id(ids_[(i * 20 + h) % ids_.size()]);
    return {"recommend", client_->Recommend(req).status()};
  }
  // TopicClusters of the newest --cluster_documents articles, a new seed
  // each time.
  Outcome Clusters(int i) {
    storyline::v1::TopicClustersRequest req;
    req.set_max_documents(absl::GetFlag(FLAGS_cluster_documents));
    req.set_cluster_count(absl::GetFlag(FLAGS_cluster_count));
    req.set_seed(static_cast<uint64_t>(i));
    return {"clusters", client_->TopicClusters(req, {.deadline = absl::Seconds(30)}).status()};
  }
  // One of the workloads above, by --mix weight.
  Call Mix() {
    std::vector<Call> calls;
    std::vector<double> weights;
    for (absl::string_view part : absl::StrSplit(absl::GetFlag(FLAGS_mix), ',')) {
      std::pair<std::string, std::string> kv = absl::StrSplit(part, ':');
      double weight = 0;
      Call call = kv.first == "mix" ? nullptr : Get(kv.first);
      if (call == nullptr || !absl::SimpleAtod(kv.second, &weight) || weight <= 0) {
        std::fprintf(stderr, "storyline-load: bad --mix entry '%s'\n", std::string(part).c_str());
        std::exit(2);
      }
      calls.push_back(std::move(call));
      weights.push_back(weight);
    }
    return [calls, weights](int i, std::mt19937& rng) {
      std::discrete_distribution<size_t> which(weights.begin(), weights.end());
      return calls[which(rng)](i, rng);
    };
  }

  storyline::Client* client_;
  std::vector<std::string> queries_;
  std::vector<std::string> ids_;
};

// --workloads as Workloads; exits on an unknown name.
std::vector<Workload> ParseWorkloads(Calls& calls) {
  std::vector<Workload> workloads;
  for (absl::string_view spec : absl::StrSplit(absl::GetFlag(FLAGS_workloads), ',')) {
    std::pair<std::string, std::string> kv = absl::StrSplit(spec, ':');
    Workload w{.name = kv.first, .threads = std::max(1, absl::GetFlag(FLAGS_concurrency))};
    if (!kv.second.empty() && (!absl::SimpleAtoi(kv.second, &w.threads) || w.threads < 1)) {
      std::fprintf(stderr, "storyline-load: bad thread count in '%s'\n", std::string(spec).c_str());
      std::exit(2);
    }
    if (w.name == "clusters")
      w.name = absl::StrCat("clusters/", absl::GetFlag(FLAGS_cluster_documents));
    w.call = calls.Get(kv.first);
    if (w.call == nullptr) {
      std::fprintf(stderr, "storyline-load: unknown workload '%s'\n", kv.first.c_str());
      std::exit(2);
    }
    workloads.push_back(std::move(w));
  }
  return workloads;
}

}  // namespace

int main(int argc, char** argv) {
  storyline::common::SetToolUsage(
      "Load generator for a Storyline server.\n  storyline-load --corpus=FILE.jsonl "
      "[--addr=HOST:PORT] [--workloads=search,get,...] [--requests=N] [--concurrency=N]\n"
      "Exit codes: 0 ok, 1 every call of some workload failed, 2 usage error, 3 server not "
      "healthy.",
      "load/load_main.cc");
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
    std::fprintf(stderr, "storyline-load: server not healthy: %s\n",
                 h.ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
    return 3;
  }
  Calls calls(&client, corpus, absl::GetFlag(FLAGS_requests));
  std::vector<Workload> workloads = ParseWorkloads(calls);
  bool ok = true;
  if (absl::GetFlag(FLAGS_together)) {
    ok = RunTogether(workloads);
  } else {
    for (const Workload& w : workloads) ok = RunTogether({w}) && ok;
  }
  return ok ? 0 : 1;
}
