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
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "storyline/client.h"
#include "storyline/credentials.h"

ABSL_FLAG(std::string, addr, "localhost:50051", "Server address.");
ABSL_FLAG(std::string, mode, "similar",
          "similar (article_id), similar-text, clusters (TopicClusters of the whole corpus), "
          "search (ranked retrieval against --qrels), spelling (typos of --corpus headlines), "
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
    out.push_back(
        {a->id(), a->topic(), keep_text ? a->title() + "\n\n" + a->body() : std::string()});
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

// Clustering agreement with the labels: NMI (arithmetic-mean
// normalization, as scikit-learn's default), ARI and purity.
struct Agreement {
  double nmi = 0, ari = 0, purity = 0;
};

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

// Ranked retrieval: every query of --queries through Search, paged to
// --depth, scored against --qrels (grade > 0 is relevant; nDCG gain =
// grade). Queries without a relevant judgment are skipped, as trec_eval
// does.
int RunSearch(storyline::Client& client) {
  struct Query {
    std::string id, text;
  };
  std::vector<Query> queries;
  {
    std::ifstream in(absl::GetFlag(FLAGS_queries));
    std::string line;
    while (std::getline(in, line)) {
      google::protobuf::Struct object;
      if (!google::protobuf::util::JsonStringToMessage(line, &object).ok()) continue;
      const auto& fields = object.fields();
      auto id = fields.find("id");
      auto text = fields.find("text");
      if (id == fields.end() || text == fields.end()) continue;
      // Ids may be strings or numbers in such files.
      std::string id_text = id->second.has_number_value()
                                ? absl::StrCat(static_cast<int64_t>(id->second.number_value()))
                                : id->second.string_value();
      queries.push_back({std::move(id_text), text->second.string_value()});
    }
  }
  std::map<std::string, std::map<std::string, int>> qrels;
  {
    std::ifstream in(absl::GetFlag(FLAGS_qrels));
    std::string line;
    while (std::getline(in, line)) {
      std::vector<std::string> f = absl::StrSplit(line, absl::ByAnyChar("\t "), absl::SkipEmpty());
      int grade = 0;
      if (f.size() >= 3 && absl::SimpleAtoi(f.back(), &grade)) qrels[f[0]][f[f.size() - 2]] = grade;
    }
  }
  if (queries.empty() || qrels.empty()) {
    std::fprintf(stderr, "storyline-eval: --queries and --qrels must both have entries\n");
    return 2;
  }
  std::ofstream run;
  if (!absl::GetFlag(FLAGS_run_out).empty()) run.open(absl::GetFlag(FLAGS_run_out));
  const int depth = absl::GetFlag(FLAGS_depth);
  double sum_ap = 0, sum_ndcg = 0, sum_p10 = 0, sum_r100 = 0, sum_rr = 0;
  int judged = 0, errors = 0;
  std::vector<double> latency_ms;
  for (const Query& q : queries) {
    auto judgments = qrels.find(q.id);
    std::vector<std::pair<std::string, double>> ranked;
    std::string token;
    do {
      storyline::v1::SearchRequest req;
      req.set_query(q.text);
      req.set_page_size(100);
      req.set_page_token(token);
      if (!absl::GetFlag(FLAGS_order_by).empty()) {
        storyline::v1::OrderBy order;
        if (storyline::v1::OrderBy_Parse(absl::GetFlag(FLAGS_order_by), &order)) {
          req.set_order_by(order);
        }
      }
      req.set_explain(absl::GetFlag(FLAGS_explain));
      const auto t0 = std::chrono::steady_clock::now();
      auto resp = client.Search(req);
      if (token.empty()) {
        latency_ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
      }
      if (!resp.ok()) {
        ++errors;
        std::fprintf(stderr, "query %s: %s\n", q.id.c_str(), resp.status().ToString().c_str());
        break;
      }
      for (const auto& r : resp->results()) ranked.emplace_back(r.article().id(), r.score());
      token = resp->next_page_token();
    } while (!token.empty() && static_cast<int>(ranked.size()) < depth);
    if (static_cast<int>(ranked.size()) > depth) ranked.resize(depth);
    for (size_t i = 0; i < ranked.size(); ++i) {
      if (run.is_open()) {
        run << q.id << " Q0 " << ranked[i].first << " " << i + 1 << " " << ranked[i].second
            << " storyline\n";
      }
    }
    if (judgments == qrels.end()) continue;
    const auto& grades = judgments->second;
    int relevant = 0;
    std::vector<int> ideal;
    for (const auto& [doc, g] : grades) {
      if (g > 0) {
        ++relevant;
        ideal.push_back(g);
      }
    }
    if (relevant == 0) continue;
    ++judged;
    std::sort(ideal.rbegin(), ideal.rend());
    double ap = 0, dcg = 0, idcg = 0, rr = 0;
    int hits = 0, hits10 = 0, hits100 = 0;
    for (size_t i = 0; i < ranked.size(); ++i) {
      auto g = grades.find(ranked[i].first);
      const int grade = g == grades.end() ? 0 : g->second;
      if (i < 10) dcg += grade / std::log2(i + 2.0);
      if (grade <= 0) continue;
      ++hits;
      ap += static_cast<double>(hits) / (i + 1);
      if (i < 10) ++hits10;
      if (i < 100) ++hits100;
      if (rr == 0) rr = 1.0 / (i + 1);
    }
    for (size_t i = 0; i < ideal.size() && i < 10; ++i) idcg += ideal[i] / std::log2(i + 2.0);
    sum_ap += ap / relevant;
    sum_ndcg += idcg > 0 ? dcg / idcg : 0;
    sum_p10 += hits10 / 10.0;
    sum_r100 += static_cast<double>(hits100) / relevant;
    sum_rr += rr;
  }
  const double n = std::max(1, judged);
  const double p50 = Percentile(latency_ms, 0.5);
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"mode\":\"search\",\"queries\":%d,\"errors\":%d,\"map\":%.4f,"
        "\"ndcg_at_10\":%.4f,\"p_at_10\":%.4f,\"recall_at_100\":%.4f,\"mrr\":%.4f,"
        "\"p50_ms\":%.3f}\n",
        judged, errors, sum_ap / n, sum_ndcg / n, sum_p10 / n, sum_r100 / n, sum_rr / n, p50);
  } else {
    std::printf(
        "search: MAP %.4f, nDCG@10 %.4f, P@10 %.4f, Recall@100 %.4f, MRR %.4f over %d "
        "judged queries (%d errors); first page p50 %.2f ms\n",
        sum_ap / n, sum_ndcg / n, sum_p10 / n, sum_r100 / n, sum_rr / n, judged, errors, p50);
  }
  return errors == 0 ? 0 : 1;
}

// Spelling: --typos one-edit typos (delete, insert, substitute or swap a
// letter; fixed seed) of headline words of five or more letters, each sent
// alone as a query; a typo counts as restored when corrected_query is the
// original word. Typos that are themselves words of the corpus are not
// used. Then each original word is sent as it is: corrected_query must stay
// empty (a false correction otherwise).
int RunSpelling(storyline::Client& client, const std::string& corpus_path) {
  std::vector<std::string> titles;
  absl::flat_hash_set<std::string> vocabulary;
  // Words as the indexer sees them: an apostrophe between letters stays
  // inside the word ("O'Leary" is one word, not "o" and "leary").
  auto words_of = [](const std::string& text) {
    std::vector<std::string> out;
    std::string w;
    const std::string t = text + " ";
    for (size_t i = 0; i < t.size(); ++i) {
      const char c = t[i];
      if (std::isalpha(static_cast<unsigned char>(c))) {
        w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (c == '\'' && !w.empty() && i + 1 < t.size() &&
                 std::isalpha(static_cast<unsigned char>(t[i + 1]))) {
        w.push_back(c);
      } else if (!w.empty()) {
        out.push_back(std::move(w));
        w.clear();
      }
    }
    return out;
  };
  {
    std::ifstream in(corpus_path);
    std::string line;
    while (std::getline(in, line)) {
      auto a = storyline::ParseArticleJson(line);
      if (!a.ok()) continue;
      titles.push_back(a->title());
      for (std::string& w : words_of(a->title() + " " + a->body())) vocabulary.insert(std::move(w));
    }
  }
  std::mt19937 rng(absl::GetFlag(FLAGS_seed));
  const int want = absl::GetFlag(FLAGS_typos);
  std::vector<std::pair<std::string, std::string>> cases;  // (typo, original)
  absl::flat_hash_set<std::string> used;
  for (int attempts = 0; static_cast<int>(cases.size()) < want && attempts < want * 100;
       ++attempts) {
    const std::vector<std::string> words =
        words_of(titles[std::uniform_int_distribution<size_t>(0, titles.size() - 1)(rng)]);
    std::vector<std::string> long_words;
    for (const std::string& w : words) {
      if (w.size() >= 5 && w.find('\'') == std::string::npos) long_words.push_back(w);
    }
    if (long_words.empty()) continue;
    const std::string word =
        long_words[std::uniform_int_distribution<size_t>(0, long_words.size() - 1)(rng)];
    std::string typo = word;
    const size_t pos = std::uniform_int_distribution<size_t>(0, word.size() - 1)(rng);
    const char letter = static_cast<char>('a' + std::uniform_int_distribution<int>(0, 25)(rng));
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
      case 0:
        typo.erase(pos, 1);
        break;
      case 1:
        typo.insert(pos, 1, letter);
        break;
      case 2:
        typo[pos] = letter;
        break;
      default:
        if (pos + 1 < typo.size()) std::swap(typo[pos], typo[pos + 1]);
    }
    if (typo == word || vocabulary.contains(typo) || !used.insert(typo).second) continue;
    cases.emplace_back(typo, word);
  }
  int restored = 0, false_corrections = 0, errors = 0;
  std::vector<std::string> misses;
  for (const auto& [typo, word] : cases) {
    storyline::v1::SearchRequest req;
    req.set_query(typo);
    auto resp = client.Search(req);
    if (!resp.ok()) {
      ++errors;
      continue;
    }
    if (absl::AsciiStrToLower(resp->corrected_query()) == word) {
      ++restored;
    } else if (misses.size() < 10) {
      misses.push_back(absl::StrCat(
          typo, "->",
          resp->corrected_query().empty() ? std::string("(none)") : resp->corrected_query(), " [",
          word, "]"));
    }
    req.set_query(word);
    auto clean = client.Search(req);
    if (clean.ok() && !clean->corrected_query().empty()) {
      ++false_corrections;
      misses.push_back(absl::StrCat("false correction: ", word, "->", clean->corrected_query()));
    }
  }
  const double rate = cases.empty() ? 0 : static_cast<double>(restored) / cases.size();
  if (absl::GetFlag(FLAGS_json)) {
    std::printf(
        "{\"mode\":\"spelling\",\"typos\":%zu,\"restored\":%d,\"rate\":%.4f,"
        "\"false_corrections\":%d,\"errors\":%d}\n",
        cases.size(), restored, rate, false_corrections, errors);
  } else {
    std::printf(
        "spelling: restored %d of %zu one-edit typos (%.1f%%); %d of %zu correct words "
        "falsely corrected; %d errors\n",
        restored, cases.size(), 100 * rate, false_corrections, cases.size(), errors);
    for (const std::string& m : misses) std::printf("  missed: %s\n", m.c_str());
  }
  return errors == 0 ? 0 : 1;
}

int RunClusters(storyline::Client& client, const std::string& corpus_path) {
  const std::vector<Labelled> corpus = Load(corpus_path, false);
  std::map<std::string, int> topic_index;
  absl::flat_hash_map<std::string, int> truth_of;
  for (const Labelled& l : corpus) {
    auto [it, added] = topic_index.emplace(l.topic, static_cast<int>(topic_index.size()));
    truth_of[l.id] = it->second;
  }
  std::vector<std::string> topic_names(topic_index.size());
  for (const auto& [name, i] : topic_index) topic_names[i] = name;
  int status = 0;
  for (absl::string_view count : absl::StrSplit(absl::GetFlag(FLAGS_cluster_counts), ',')) {
    int k = 0;
    if (count == "labels") {
      k = static_cast<int>(topic_index.size());
    } else if (!absl::SimpleAtoi(count, &k)) {
      std::fprintf(stderr, "storyline-eval: bad --cluster_counts entry \"%s\"\n",
                   std::string(count).c_str());
      return 2;
    }
    storyline::v1::TopicClustersRequest req;
    req.set_max_documents(static_cast<int32_t>(std::min<size_t>(corpus.size(), 10000)));
    req.set_cluster_count(k);
    req.set_seed(absl::GetFlag(FLAGS_seed));
    const auto t0 = std::chrono::steady_clock::now();
    auto resp = client.TopicClusters(req, {.deadline = absl::Seconds(120)});
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!resp.ok()) {
      std::fprintf(stderr, "storyline-eval: TopicClusters(cluster_count=%d) failed: %s\n", k,
                   resp.status().ToString().c_str());
      status = 1;
      continue;
    }
    std::vector<int> truth, found;
    for (int c = 0; c < resp->clusters_size(); ++c) {
      for (const auto& m : resp->clusters(c).members()) {
        auto it = truth_of.find(m.article_id());
        if (it == truth_of.end()) continue;
        truth.push_back(it->second);
        found.push_back(c);
      }
    }
    for (const std::string& id : resp->unclustered()) {
      auto it = truth_of.find(id);
      if (it == truth_of.end()) continue;
      truth.push_back(it->second);
      found.push_back(resp->clusters_size());  // "Other topics" counts as one more cluster
    }
    const Agreement a = Compare(truth, found);
    if (absl::GetFlag(FLAGS_json)) {
      std::printf(
          "{\"mode\":\"clusters\",\"corpus\":\"%s\",\"cluster_count\":%d,"
          "\"clusters\":%d,\"unclustered\":%d,\"considered\":%d,\"nmi\":%.4f,"
          "\"ari\":%.4f,\"purity\":%.4f,\"ms\":%.1f}\n",
          corpus_path.c_str(), k, resp->clusters_size(), resp->unclustered_size(),
          resp->considered_documents(), a.nmi, a.ari, a.purity, ms);
      continue;
    }
    std::printf(
        "clusters (cluster_count=%d): %d clusters + %d unclustered of %d considered; "
        "NMI %.4f, ARI %.4f, purity %.4f; %.0f ms\n",
        k, resp->clusters_size(), resp->unclustered_size(), resp->considered_documents(), a.nmi,
        a.ari, a.purity, ms);
    for (int c = 0; c < resp->clusters_size(); ++c) {
      const auto& cl = resp->clusters(c);
      std::map<int, int> topics;
      for (const auto& m : cl.members()) {
        auto it = truth_of.find(m.article_id());
        if (it != truth_of.end()) ++topics[it->second];
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
                  best >= 0 ? topic_names[best].c_str() : "-",
                  cl.size() ? 100.0 * best_n / cl.size() : 0.0);
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  const std::string corpus_path = absl::GetFlag(FLAGS_corpus);
  if (corpus_path.empty() ||
      (mode != "similar" && mode != "similar-text" && mode != "clusters" && mode != "search" &&
       mode != "spelling" && mode != "ready") ||
      (mode == "search" &&
       (absl::GetFlag(FLAGS_queries).empty() || absl::GetFlag(FLAGS_qrels).empty())) ||
      (mode == "similar-text" && absl::GetFlag(FLAGS_queries).empty())) {
    std::fprintf(
        stderr,
        "usage: storyline-eval --mode=similar|similar-text|clusters|search|spelling --corpus=FILE "
        "[--queries=FILE] [--qrels=FILE] [--ingest] [--addr=HOST:PORT]\n");
    return 2;
  }
  std::string token;
  if (const std::string path = absl::GetFlag(FLAGS_token_file); !path.empty()) {
    absl::StatusOr<std::string> read = storyline::ReadTokenFile(path);
    if (!read.ok()) {
      std::fprintf(stderr, "storyline-eval: --token_file: %s\n",
                   std::string(read.status().message()).c_str());
      return 2;
    }
    token = std::move(*read);
  }
  storyline::Client client({.target = absl::GetFlag(FLAGS_addr),
                            .default_deadline = absl::Seconds(30),
                            .token = std::move(token)});
  if (absl::Status h = client.CheckHealth(); !h.ok()) {
    std::fprintf(stderr, "storyline-eval: server not healthy: %s\n", h.ToString().c_str());
    return 3;
  }

  if (absl::GetFlag(FLAGS_ingest)) {
    std::ifstream in(corpus_path);
    std::string line;
    const auto t0 = std::chrono::steady_clock::now();
    auto resp =
        client.IndexArticles(storyline::Client::ArticleSource([&](storyline::v1::Article* a) {
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

  if (mode == "ready") return 0;  // ingested (with --ingest) and the model is built
  if (mode == "clusters") return RunClusters(client, corpus_path);
  if (mode == "search") return RunSearch(client);
  if (mode == "spelling") return RunSpelling(client, corpus_path);

  const bool text_mode = mode == "similar-text";
  std::vector<Labelled> queries =
      Load(text_mode ? absl::GetFlag(FLAGS_queries) : corpus_path, text_mode);
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
    std::printf(
        "{\"mode\":\"%s\",\"corpus\":\"%s\",\"queries\":%zu,\"errors\":%d,\"k\":%d,"
        "\"precision_at_k\":%.4f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
        mode.c_str(), corpus_path.c_str(), queries.size(), errors, k, p_at_k, p50, p99);
  } else {
    std::printf("%s: P@%d = %.4f over %zu queries (%d errors); latency p50 %.2f ms, p99 %.2f ms\n",
                mode.c_str(), k, p_at_k, queries.size(), errors, p50, p99);
  }
  return errors == 0 ? 0 : 1;
}
