#include "bench/eval/ready_mode.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "common/article_jsonl.h"

namespace storyline::eval {

absl::Status IngestCorpus(Client& client, const std::string& corpus_path) {
  std::ifstream in(corpus_path);
  common::JsonlArticleReader reader(in);
  const auto t0 = std::chrono::steady_clock::now();
  auto resp = client.IndexArticles(
      Client::ArticleSource([&](v1::Article* a) { return reader.NextArticle(a); }));
  if (!resp.ok()) return resp.status();
  std::fprintf(stderr, "ingested %lld articles (%d rejected) in %.1f s\n",
               static_cast<long long>(resp->indexed_count()) + resp->updated_count(),
               resp->errors_size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return absl::OkStatus();
}

void WaitForSemanticModel(Client& client, absl::Duration timeout) {
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    auto stats = client.GetIndexStats();
    if (!stats.ok() || stats->semantic_articles() >= stats->article_count()) break;
    if (std::chrono::steady_clock::now() - t0 > absl::ToChronoSeconds(timeout)) {
      std::fprintf(stderr, "storyline-eval: semantic model not ready; measuring without it\n");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace storyline::eval
