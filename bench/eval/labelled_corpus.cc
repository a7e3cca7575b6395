#include "bench/eval/labelled_corpus.h"

#include <fstream>

#include "common/article_jsonl.h"

namespace storyline::eval {

std::vector<Labelled> LoadLabelled(const std::string& path, bool keep_text) {
  std::vector<Labelled> out;
  std::ifstream in(path);
  common::JsonlArticleReader reader(in);
  v1::Article a;
  while (reader.NextArticle(&a)) {
    if (a.topic().empty()) continue;
    out.push_back({a.id(), a.topic(), keep_text ? a.title() + "\n\n" + a.body() : std::string()});
  }
  return out;
}

}  // namespace storyline::eval
