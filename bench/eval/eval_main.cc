// storyline-eval: measures the quality of Storyline's answers on labelled
// corpora, through a real server and the client library, so what it
// measures is what users get. One mode per run (--mode), each in its own
// file:
//   similar, similar-text  precision@k of SimilarStories (similar_mode.cc)
//   clusters    TopicClusters against the topic labels (clusters_mode.cc)
//   search      ranked retrieval against --qrels (search_mode.cc)
//   recommend   Recommend's on-topic share for one-topic histories
//               (recommend_mode.cc)
//   spelling    restored one-edit headline typos (spelling_mode.cc)
//   ready       just --ingest and wait for the semantic model (ready_mode.cc)
//
//   # article_id mode: index a corpus, query with a sample of its own ids
//   storyline-eval --addr=localhost:50051 --mode=similar --ingest
//       --corpus=../shared/data/bbc/articles.jsonl
//   # text mode: index one file, query with the text of articles from another
//   storyline-eval --addr=localhost:50051 --mode=similar-text --ingest
//       --corpus=../shared/data/20news/articles-train.jsonl
//       --queries=../shared/data/20news/articles-test.jsonl
//   # ranked retrieval, as bench/relevance_figures.sh runs it
//   storyline-eval --mode=search --ingest --corpus=../shared/data/cranfield/articles.jsonl
//       --queries=../shared/data/cranfield/dev/queries.jsonl
//       --qrels=../shared/data/cranfield/dev/qrels.tsv
//
// Exit codes: 0 ok, 1 some calls failed, 2 usage error, 3 the server is
// unhealthy or the ingest failed.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/eval/clusters_mode.h"
#include "bench/eval/ready_mode.h"
#include "bench/eval/recommend_mode.h"
#include "bench/eval/search_mode.h"
#include "bench/eval/similar_mode.h"
#include "bench/eval/spelling_mode.h"
#include "common/tool_usage.h"
#include "storyline/client.h"
#include "storyline/credentials.h"

ABSL_FLAG(std::string, addr, "localhost:50051", "Server address.");
ABSL_FLAG(std::string, mode, "similar",
          "similar (article_id), similar-text, clusters (TopicClusters of the whole corpus), "
          "search (ranked retrieval against --qrels), spelling (typos of --corpus headlines), "
          "recommend (Recommend's on-topic share for one-topic histories), "
          "or ready (just --ingest and wait for the semantic model).");
ABSL_FLAG(int, typos, 500, "spelling: typos to test.");
ABSL_FLAG(std::string, qrels, "", "search: query_id<TAB>doc_id<TAB>grade judgments.");
ABSL_FLAG(std::string, run_out, "", "search: write a TREC run file here.");
ABSL_FLAG(int, depth, 1000, "search: results per query, paged with page_token.");
ABSL_FLAG(std::string, order_by, "", "search: order_by to send (e.g. RELEVANCE_RECENCY).");
ABSL_FLAG(bool, explain, false, "search: ask for explanations (costs time).");
ABSL_FLAG(std::string, cluster_counts, "labels,0",
          "clusters: the cluster_count values to ask for; \"labels\" is the corpus's number of "
          "topics.");
ABSL_FLAG(int, histories, 300, "recommend: histories to ask with.");
ABSL_FLAG(int, history_length, 5, "recommend: articles a history, all of one topic.");
ABSL_FLAG(uint32_t, history_seed, 7, "recommend: seed of the histories' draw.");
ABSL_FLAG(std::string, seeds, "",
          "clusters: seeds to ask with, a range (0-9), a list (1,5,7) or both (0-3,7): a line "
          "per seed, one with no seed, and a summary (NMI min/median/max, modal k); overrides "
          "--seed.");
ABSL_FLAG(std::string, corpus, "", "Labelled JSONL corpus that is (or gets) indexed.");
ABSL_FLAG(
    std::string, queries, "",
    "similar-text: JSONL whose articles' text is the query; search: {\"id\",\"text\"} JSONL.");
ABSL_FLAG(bool, ingest, false, "Ingest --corpus through the server first.");
ABSL_FLAG(int, sample, 1000, "Query articles to sample (fixed seed); all if fewer.");
ABSL_FLAG(uint32_t, seed, 42, "Sampling seed.");
ABSL_FLAG(int, k, 10, "Results per query (precision@k).");
ABSL_FLAG(int, wait_semantic_seconds, 120,
          "Wait up to this long for the server's semantic model to cover the index.");
ABSL_FLAG(bool, json, false, "Print the summary as one JSON object.");
ABSL_FLAG(std::string, token_file, "",
          "File holding the bearer token (the write token for --ingest on a server with "
          "--write_token_file).");

namespace {

using storyline::eval::ClustersOptions;
using storyline::eval::RecommendOptions;
using storyline::eval::SearchOptions;
using storyline::eval::SimilarOptions;
using storyline::eval::SpellingOptions;

// True if --mode names a mode and the files it needs are given.
bool FlagsAreUsable(const std::string& mode, const std::string& corpus_path) {
  if (corpus_path.empty()) return false;
  if (mode != "similar" && mode != "similar-text" && mode != "clusters" && mode != "search" &&
      mode != "spelling" && mode != "ready" && mode != "recommend") {
    return false;
  }
  if (mode == "search" &&
      (absl::GetFlag(FLAGS_queries).empty() || absl::GetFlag(FLAGS_qrels).empty())) {
    return false;
  }
  return !(mode == "similar-text" && absl::GetFlag(FLAGS_queries).empty());
}

// The client of --addr and --token_file; nullopt (after saying why) if the
// token file cannot be read.
std::optional<storyline::ClientOptions> MakeClientOptions() {
  std::string token;
  if (const std::string path = absl::GetFlag(FLAGS_token_file); !path.empty()) {
    absl::StatusOr<std::string> read = storyline::ReadTokenFile(path);
    if (!read.ok()) {
      std::fprintf(stderr, "storyline-eval: --token_file: %s\n",
                   std::string(read.status().message()).c_str());
      return std::nullopt;
    }
    token = std::move(*read);
  }
  return storyline::ClientOptions{.target = absl::GetFlag(FLAGS_addr),
                                  .default_deadline = absl::Seconds(30),
                                  .token = std::move(token)};
}

// --ingest and the wait for the semantic model; the exit code if that
// fails, else 0.
int PrepareServer(storyline::Client& client, const std::string& corpus_path) {
  if (absl::Status h = client.CheckHealth(); !h.ok()) {
    std::fprintf(stderr, "storyline-eval: server not healthy: %s\n",
                 h.ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
    return 3;
  }
  if (absl::GetFlag(FLAGS_ingest)) {
    if (absl::Status s = storyline::eval::IngestCorpus(client, corpus_path); !s.ok()) {
      std::fprintf(stderr, "storyline-eval: ingest failed: %s\n",
                   s.ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
      return 3;
    }
  }
  // The server builds its semantic model in the background once ingest goes
  // quiet; measure what users get after that, not the warm-up.
  if (absl::GetFlag(FLAGS_wait_semantic_seconds) > 0) {
    storyline::eval::WaitForSemanticModel(
        client, absl::Seconds(absl::GetFlag(FLAGS_wait_semantic_seconds)));
  }
  return 0;
}

// The seeds of --seeds (none if unset); nullopt (after saying why) if it
// does not parse.
std::optional<std::vector<uint32_t>> SeedsFlag() {
  const std::string text = absl::GetFlag(FLAGS_seeds);
  if (text.empty()) return std::vector<uint32_t>{};
  absl::StatusOr<std::vector<uint32_t>> seeds = storyline::eval::ParseSeeds(text);
  if (!seeds.ok()) {
    std::fprintf(stderr, "storyline-eval: %s\n", std::string(seeds.status().message()).c_str());
    return std::nullopt;
  }
  return std::move(*seeds);
}

// Runs --mode (other than ready) and returns its exit code.
int RunMode(storyline::Client& client, const std::string& mode, const std::string& corpus_path,
            std::vector<uint32_t> seeds) {
  const bool json = absl::GetFlag(FLAGS_json);
  const uint32_t seed = absl::GetFlag(FLAGS_seed);
  if (mode == "clusters") {
    return storyline::eval::RunClusters(
        client, ClustersOptions{.corpus_path = corpus_path,
                                .cluster_counts = absl::GetFlag(FLAGS_cluster_counts),
                                .seed = seed,
                                .seeds = std::move(seeds),
                                .json = json});
  }
  if (mode == "search") {
    return storyline::eval::RunSearch(client,
                                      SearchOptions{.queries_path = absl::GetFlag(FLAGS_queries),
                                                    .qrels_path = absl::GetFlag(FLAGS_qrels),
                                                    .run_out = absl::GetFlag(FLAGS_run_out),
                                                    .depth = absl::GetFlag(FLAGS_depth),
                                                    .order_by = absl::GetFlag(FLAGS_order_by),
                                                    .explain = absl::GetFlag(FLAGS_explain),
                                                    .json = json});
  }
  if (mode == "recommend") {
    return storyline::eval::RunRecommend(
        client, RecommendOptions{.corpus_path = corpus_path,
                                 .histories = absl::GetFlag(FLAGS_histories),
                                 .history_length = absl::GetFlag(FLAGS_history_length),
                                 .seed = absl::GetFlag(FLAGS_history_seed),
                                 .k = absl::GetFlag(FLAGS_k),
                                 .json = json});
  }
  if (mode == "spelling") {
    return storyline::eval::RunSpelling(client, SpellingOptions{.corpus_path = corpus_path,
                                                                .typos = absl::GetFlag(FLAGS_typos),
                                                                .seed = seed,
                                                                .json = json});
  }
  return storyline::eval::RunSimilar(client,
                                     SimilarOptions{.mode = mode,
                                                    .corpus_path = corpus_path,
                                                    .queries_path = absl::GetFlag(FLAGS_queries),
                                                    .sample = absl::GetFlag(FLAGS_sample),
                                                    .seed = seed,
                                                    .k = absl::GetFlag(FLAGS_k),
                                                    .json = json});
}

}  // namespace

int main(int argc, char** argv) {
  storyline::common::SetToolUsage(
      "Measures a Storyline server's answers on a labelled corpus.\n  storyline-eval "
      "--mode=similar|similar-text|clusters|search|spelling|recommend|ready --corpus=FILE "
      "[--queries=FILE] [--qrels=FILE] [--ingest] [--addr=HOST:PORT]",
      "eval/eval_main.cc");
  absl::ParseCommandLine(argc, argv);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const std::string corpus_path = absl::GetFlag(FLAGS_corpus);
  if (!FlagsAreUsable(mode, corpus_path)) {
    std::fprintf(stderr,
                 "usage: storyline-eval "
                 "--mode=similar|similar-text|clusters|search|spelling|recommend|ready "
                 "--corpus=FILE "
                 "[--queries=FILE] [--qrels=FILE] [--ingest] [--addr=HOST:PORT]\n");
    return 2;
  }
  std::optional<std::vector<uint32_t>> seeds = SeedsFlag();
  if (!seeds.has_value()) return 2;
  std::optional<storyline::ClientOptions> options = MakeClientOptions();
  if (!options.has_value()) return 2;
  storyline::Client client(std::move(*options));
  if (int code = PrepareServer(client, corpus_path); code != 0) return code;
  if (mode == "ready") return 0;  // ingested (with --ingest) and the model is built
  return RunMode(client, mode, corpus_path, std::move(*seeds));
}
