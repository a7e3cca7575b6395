// Micro-benchmarks of the index library against raw in-process Xapian.
//
//   STORYLINE_BENCH_CORPUS=../shared/data/20news/articles-train.jsonl
//     build/bench/searcher_bench --benchmark_repetitions=3
//     --benchmark_report_aggregates_only=true
//
// The index is built once into $STORYLINE_BENCH_INDEX (default
// /tmp/storyline-bench-index) and reused by later runs; a server's index
// directory (with its XAPIANDB stub) can be given instead. Queries:
// two-word title prefixes drawn with a fixed seed.
//
//   BM_RawXapianSearch/K/C  QueryParser (English stemmer, STEM_SOME,
//                        title: prefix) + Enquire::get_mset(0, K, C) +
//                        document data of the first 10: what plain Xapian
//                        does per query (K 100: a re-ranking window's cost).
//   BM_SearcherSearch    storyline::index::Searcher::Search: the same plus
//                        reopen(), filters, snippets and article decoding,
//                        no semantic model (first-stage order).
//   BM_SearcherSearchRanked  the same with the semantic model: the server's
//                        default ranking, the in-process ceiling of the
//                        gRPC Search RPC.
//   BM_SearcherSearchFacets  the same with topic and source facets.
//   BM_SearchShape/S     the default ranking on 1, 2 or 3 words, a phrase,
//                        a topic filter, newest first (see Shape).
//   BM_SimilarStories    SimilarStories of a random article.
//   BM_TopicClusters/N   Searcher::Clusters of the newest N articles.
//   BM_PrepareArticle    ArticleIndexer::Prepare (term generation) alone.
//
// Recent run: see bench/README.md.
#include <benchmark/benchmark.h>
#include <xapian.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "common/article_jsonl.h"
#include "index/article_indexer.h"
#include "index/index_writer.h"
#include "index/schema.h"
#include "index/searcher.h"
#include "index/semantic_space.h"

namespace {

using storyline::v1::Article;

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

std::vector<Article>& Corpus() {
  static std::vector<Article>* corpus = [] {
    auto* out = new std::vector<Article>;
    std::ifstream in(Env("STORYLINE_BENCH_CORPUS", "../shared/data/20news/articles-train.jsonl"));
    storyline::common::JsonlArticleReader reader(in);
    Article a;
    while (reader.NextArticle(&a)) out->push_back(a);
    return out;
  }();
  return *corpus;
}

const std::string& IndexDir() {
  static std::string* dir = [] {
    auto* d = new std::string(Env("STORYLINE_BENCH_INDEX", "/tmp/storyline-bench-index"));
    // An existing index (one shard, or a server's index directory with
    // its XAPIANDB stub) is used as it is.
    if (!std::filesystem::exists(*d + "/iamglass") && !std::filesystem::exists(*d + "/XAPIANDB")) {
      auto writer = storyline::index::IndexWriter::Open(*d);
      if (!writer.ok()) std::abort();
      storyline::index::ArticleIndexer indexer;
      storyline::index::SpellingCounts spelling;
      for (const Article& a : Corpus()) {
        auto p = indexer.Prepare(a, &spelling);
        if (p.ok()) (void)(*writer)->Upsert(*p);
      }
      (void)(*writer)->AddSpelling(spelling);
      (void)(*writer)->Commit();
    }
    return d;
  }();
  return *dir;
}

// The first `n` words of 3+ letters of random titles (fixed seed), as one
// query each: 1,000 of them.
std::vector<std::string> TitleQueries(size_t n) {
  std::vector<std::string> out;
  std::mt19937 rng(42);
  const auto& corpus = Corpus();
  if (corpus.empty()) return out;
  std::uniform_int_distribution<size_t> pick(0, corpus.size() - 1);
  for (int tries = 0; out.size() < 1000 && tries < 100000; ++tries) {
    std::vector<std::string> words;
    std::string w;
    for (char c : corpus[pick(rng)].title() + " ") {
      if (std::isalpha(static_cast<unsigned char>(c))) {
        w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (c == ' ') {
        if (w.size() >= 3) words.push_back(w);
        w.clear();
      }
      if (words.size() == n) break;
    }
    if (words.size() == n) out.push_back(absl::StrJoin(words, " "));
  }
  return out;
}

// Two-word title queries, the same recipe as `storyline-bench run`.
std::vector<std::string>& Queries() {
  static auto* qs = new std::vector<std::string>(TitleQueries(2));
  return *qs;
}

void BM_RawXapianSearch(benchmark::State& state) {
  Xapian::Database db(IndexDir());
  Xapian::Stem stem("english");
  Xapian::QueryParser qp;
  qp.set_stemmer(stem);
  qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  qp.set_database(db);
  qp.add_prefix("title", "S");
  const auto& queries = Queries();
  size_t i = 0;
  for (auto _ : state) {
    Xapian::Enquire enquire(db);
    enquire.set_query(qp.parse_query(queries[i++ % queries.size()]));
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(state.range(0)),
                                         static_cast<Xapian::doccount>(state.range(1)));
    for (auto it = mset.begin(); it != mset.end() && it.get_rank() < 10; ++it) {
      benchmark::DoNotOptimize(it.get_document().get_data());
    }
  }
  state.SetItemsProcessed(state.iterations());
}
// Args: matches asked of Xapian (documents read: the first 10), and
// check_at_least.
BENCHMARK(BM_RawXapianSearch)
    ->Args({10, 0})
    ->Args({100, 0})
    ->Unit(benchmark::kMicrosecond)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

// Searches `queries` in turn with `params` as the base of every request.
void RunQueries(benchmark::State& state, storyline::index::Searcher& searcher,
                storyline::index::SearchParams params, const std::vector<std::string>& queries) {
  size_t i = 0;
  for (auto _ : state) {
    params.query = queries[i++ % queries.size()];
    auto results = searcher.Search(params);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}

// The index's semantic model, built once before timing.
storyline::index::SemanticSpace* Semantic() {
  static storyline::index::SemanticSpace* space = [] {
    auto* s = new storyline::index::SemanticSpace(
        {.index_dir = IndexDir(), .lsa = {}, .background = false});
    (void)s->Refresh();
    return s;
  }();
  return space;
}

// Storyline's Searcher on the same queries, with `params` as the base of
// every request; `semantic`: with the semantic model (the server's default
// ranking re-ranks the top matches with it).
void RunSearcher(benchmark::State& state, storyline::index::SearchParams params,
                 bool semantic = false, storyline::index::RankingOptions ranking = {}) {
  auto searcher =
      storyline::index::Searcher::Open(IndexDir(), semantic ? Semantic() : nullptr, ranking);
  if (!searcher.ok()) {
    state.SkipWithError("cannot open index");
    return;
  }
  RunQueries(state, **searcher, std::move(params), Queries());
}

void BM_SearcherSearch(benchmark::State& state) { RunSearcher(state, {}); }
BENCHMARK(BM_SearcherSearch)->Unit(benchmark::kMicrosecond)->Threads(1)->Threads(2)->UseRealTime();

// The server's default: the same with the semantic model's re-ranking;
// Arg: the re-ranking window (RankingOptions::rerank_depth).
void BM_SearcherSearchRanked(benchmark::State& state) {
  RunSearcher(state, {}, true, {.rerank_depth = static_cast<int>(state.range(0))});
}
BENCHMARK(BM_SearcherSearchRanked)
    ->Arg(30)
    ->Arg(100)
    ->Unit(benchmark::kMicrosecond)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();

void BM_SearcherSearchNoSnippets(benchmark::State& state) {
  storyline::index::SearchParams params;
  params.snippets = false;
  RunSearcher(state, params);
}
BENCHMARK(BM_SearcherSearchNoSnippets)->Unit(benchmark::kMicrosecond);

// With topic and source facets: every match is looked at (not just the
// page's) and its values counted, then merged by case-folded value.
void BM_SearcherSearchFacets(benchmark::State& state) {
  storyline::index::SearchParams params;
  params.facets = {"topic", "source"};
  RunSearcher(state, params);
}
BENCHMARK(BM_SearcherSearchFacets)->Unit(benchmark::kMicrosecond);

// Search shapes with the server's default ranking (semantic model, default
// window). Arg: 1, 2, 3 words; 4 the two words as a phrase; 5 two words
// filtered to the corpus's most common topic; 6 two words, newest first.
enum Shape { kOneWord = 1, kTwoWords, kThreeWords, kPhrase, kFiltered, kNewest };

std::string CommonestTopic() {
  std::map<std::string, int> counts;
  for (const Article& a : Corpus()) ++counts[a.topic()];
  auto best = std::max_element(counts.begin(), counts.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  return best == counts.end() ? std::string() : best->first;
}

void BM_SearchShape(benchmark::State& state) {
  const auto shape = static_cast<Shape>(state.range(0));
  const size_t words = shape == kOneWord ? 1 : shape == kThreeWords ? 3 : 2;
  std::vector<std::string> queries = TitleQueries(words);
  if (shape == kPhrase) {
    for (std::string& q : queries) q = "\"" + q + "\"";
  }
  auto searcher = storyline::index::Searcher::Open(IndexDir(), Semantic());
  if (!searcher.ok() || queries.empty()) {
    state.SkipWithError("cannot open index or draw queries");
    return;
  }
  storyline::index::SearchParams params;
  if (shape == kFiltered) params.topics = {CommonestTopic()};
  if (shape == kNewest) params.order = storyline::index::SortOrder::kNewest;
  RunQueries(state, **searcher, std::move(params), queries);
}
BENCHMARK(BM_SearchShape)->DenseRange(kOneWord, kNewest)->Unit(benchmark::kMicrosecond);

// SimilarStories of random corpus articles by id (default request).
void BM_SimilarStories(benchmark::State& state) {
  auto searcher = storyline::index::Searcher::Open(IndexDir(), Semantic());
  const auto& corpus = Corpus();
  if (!searcher.ok() || corpus.empty()) {
    state.SkipWithError("cannot open index");
    return;
  }
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, corpus.size() - 1);
  storyline::index::SimilarParams params;
  for (auto _ : state) {
    params.article_id = corpus[pick(rng)].id();
    auto results = (*searcher)->Similar(params);
    benchmark::DoNotOptimize(results);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SimilarStories)->Unit(benchmark::kMicrosecond);

// TopicClusters in process, for 500 / 2,000 / 10,000 documents (the
// newest of the index), automatic cluster count, a new seed each time.
// The semantic model is built once, before timing.
void BM_TopicClusters(benchmark::State& state) {
  storyline::index::SemanticSpace* space = Semantic();
  auto searcher = storyline::index::Searcher::Open(IndexDir(), space);
  if (!searcher.ok() || space->Current() == nullptr) {
    state.SkipWithError("cannot open index or build its semantic model");
    return;
  }
  storyline::index::ClusterParams params;
  params.max_documents = static_cast<int>(state.range(0));
  uint64_t seed = 0;
  for (auto _ : state) {
    params.seed = seed++;
    auto results = (*searcher)->Clusters(params);
    if (!results.ok()) {
      state.SkipWithError(std::string(results.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(results);
  }
}
BENCHMARK(BM_TopicClusters)->Arg(500)->Arg(2000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_PrepareArticle(benchmark::State& state) {
  storyline::index::ArticleIndexer indexer;
  const auto& corpus = Corpus();
  size_t i = 0;
  for (auto _ : state) {
    auto p = indexer.Prepare(corpus[i++ % corpus.size()], nullptr);
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrepareArticle)->Unit(benchmark::kMicrosecond);

// Whole-corpus indexing into a fresh database, one iteration per corpus.
// Arg 0: Storyline's ArticleIndexer + IndexWriter (what the server does on
// its writer thread plus term generation). Arg 1: the raw single-writer
// Xapian baseline (title + body with positions, English stemmer, like
// simpleindex.cc), for comparison.
void BM_IndexCorpus(benchmark::State& state) {
  const auto& corpus = Corpus();
  const std::string dir = Env("STORYLINE_BENCH_INDEX", "/tmp/storyline-bench-index") + "-write";
  for (auto _ : state) {
    std::filesystem::remove_all(dir);
    if (state.range(0) == 0) {
      auto writer = storyline::index::IndexWriter::Open(dir);
      storyline::index::ArticleIndexer indexer;
      storyline::index::SpellingCounts spelling;
      for (const Article& a : corpus) {
        auto p = indexer.Prepare(a, &spelling);
        if (p.ok()) (void)(*writer)->Upsert(*p);
      }
      (void)(*writer)->AddSpelling(spelling);
      (void)(*writer)->Commit();
    } else {
      Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OPEN);
      Xapian::TermGenerator tg;
      tg.set_stemmer(Xapian::Stem("english"));
      if (state.range(0) == 2) tg.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
      for (const Article& a : corpus) {
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(a.title(), 1, "S");
        tg.index_text(a.title());
        tg.increase_termpos();
        tg.index_text(a.body());
        doc.set_data(a.body());
        doc.add_boolean_term("Q" + a.id());
        db.replace_document("Q" + a.id(), doc);
      }
      db.commit();
    }
  }
  state.SetItemsProcessed(state.iterations() * corpus.size());
}
BENCHMARK(BM_IndexCorpus)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
