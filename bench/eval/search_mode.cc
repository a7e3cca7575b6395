#include "bench/eval/search_mode.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/percentile.h"

namespace storyline::eval {
namespace {

struct Query {
  std::string id, text;
};

// query id -> document id -> grade.
using Qrels = std::map<std::string, std::map<std::string, int>>;

// (document id, score) in rank order.
using Ranking = std::vector<std::pair<std::string, double>>;

// The {"id","text"} lines of `path`; ids may be strings or numbers.
std::vector<Query> ReadQueries(const std::string& path) {
  std::vector<Query> queries;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    google::protobuf::Struct object;
    if (!google::protobuf::util::JsonStringToMessage(line, &object).ok()) continue;
    const auto& fields = object.fields();
    auto id = fields.find("id");
    auto text = fields.find("text");
    if (id == fields.end() || text == fields.end()) continue;
    std::string id_text = id->second.has_number_value()
                              ? absl::StrCat(static_cast<int64_t>(id->second.number_value()))
                              : id->second.string_value();
    queries.push_back({std::move(id_text), text->second.string_value()});
  }
  return queries;
}

// Lines of "query_id [Q0] doc_id grade", split at tabs or spaces.
Qrels ReadQrels(const std::string& path) {
  Qrels qrels;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f = absl::StrSplit(line, absl::ByAnyChar("\t "), absl::SkipEmpty());
    int grade = 0;
    if (f.size() >= 3 && absl::SimpleAtoi(f.back(), &grade)) qrels[f[0]][f[f.size() - 2]] = grade;
  }
  return qrels;
}

// Totals over the judged queries.
struct SearchTally {
  double sum_ap = 0, sum_ndcg = 0, sum_p10 = 0, sum_r100 = 0, sum_rr = 0;
  int judged = 0, errors = 0;
  std::vector<double> latency_ms;  // of each query's first page
};

// The query's ranking to `options.depth`, page by page; a failed page ends
// it (counted in `tally->errors`).
Ranking Rank(Client& client, const SearchOptions& options, const Query& q, SearchTally* tally) {
  Ranking ranked;
  std::string token;
  do {
    v1::SearchRequest req;
    req.set_query(q.text);
    req.set_page_size(100);
    req.set_page_token(token);
    if (v1::OrderBy order;
        !options.order_by.empty() && v1::OrderBy_Parse(options.order_by, &order)) {
      req.set_order_by(order);
    }
    req.set_explain(options.explain);
    const auto t0 = std::chrono::steady_clock::now();
    auto resp = client.Search(req);
    if (token.empty()) {
      tally->latency_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    if (!resp.ok()) {
      ++tally->errors;
      std::fprintf(stderr, "query %s: %s\n", q.id.c_str(),
                   resp.status().ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
      break;
    }
    for (const auto& r : resp->results()) ranked.emplace_back(r.article().id(), r.score());
    token = resp->next_page_token();
  } while (!token.empty() && static_cast<int>(ranked.size()) < options.depth);
  if (static_cast<int>(ranked.size()) > options.depth) ranked.resize(options.depth);
  return ranked;
}

// Adds the metrics of one ranking to `tally`, unless the query has no
// relevant judgment.
void Score(const Ranking& ranked, const std::map<std::string, int>& grades, SearchTally* tally) {
  int relevant = 0;
  std::vector<int> ideal;
  for (const auto& [doc, g] : grades) {
    if (g > 0) {
      ++relevant;
      ideal.push_back(g);
    }
  }
  if (relevant == 0) return;
  ++tally->judged;
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
  tally->sum_ap += ap / relevant;
  tally->sum_ndcg += idcg > 0 ? dcg / idcg : 0;
  tally->sum_p10 += hits10 / 10.0;
  tally->sum_r100 += static_cast<double>(hits100) / relevant;
  tally->sum_rr += rr;
}

void WriteRun(std::ofstream& run, const Query& q, const Ranking& ranked) {
  for (size_t i = 0; i < ranked.size(); ++i) {
    run << q.id << " Q0 " << ranked[i].first << " " << i + 1 << " " << ranked[i].second
        << " storyline\n";
  }
}

void PrintSummary(const SearchOptions& options, const SearchTally& t) {
  const double n = std::max(1, t.judged);
  const double p50 = common::Percentile(t.latency_ms, 0.5);
  if (options.json) {
    std::printf(
        "{\"mode\":\"search\",\"queries\":%d,\"errors\":%d,\"map\":%.4f,"
        "\"ndcg_at_10\":%.4f,\"p_at_10\":%.4f,\"recall_at_100\":%.4f,\"mrr\":%.4f,"
        "\"p50_ms\":%.3f}\n",
        t.judged, t.errors, t.sum_ap / n, t.sum_ndcg / n, t.sum_p10 / n, t.sum_r100 / n,
        t.sum_rr / n, p50);
  } else {
    std::printf(
        "search: MAP %.4f, nDCG@10 %.4f, P@10 %.4f, Recall@100 %.4f, MRR %.4f over %d "
        "judged queries (%d errors); first page p50 %.2f ms\n",
        t.sum_ap / n, t.sum_ndcg / n, t.sum_p10 / n, t.sum_r100 / n, t.sum_rr / n, t.judged,
        t.errors, p50);
  }
}

}  // namespace

int RunSearch(Client& client, const SearchOptions& options) {
  const std::vector<Query> queries = ReadQueries(options.queries_path);
  const Qrels qrels = ReadQrels(options.qrels_path);
  if (queries.empty() || qrels.empty()) {
    std::fprintf(stderr, "storyline-eval: --queries and --qrels must both have entries\n");
    return 2;
  }
  std::ofstream run;
  if (!options.run_out.empty()) run.open(options.run_out);
  SearchTally tally;
  for (const Query& q : queries) {
    const Ranking ranked = Rank(client, options, q, &tally);
    if (run.is_open()) WriteRun(run, q, ranked);
    if (auto judgments = qrels.find(q.id); judgments != qrels.end()) {
      Score(ranked, judgments->second, &tally);
    }
  }
  PrintSummary(options, tally);
  return tally.errors == 0 ? 0 : 1;
}

}  // namespace storyline::eval
