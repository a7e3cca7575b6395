#include "bench/storyline_bench/generate_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "bench/storyline_bench/generate_sentences.h"
#include "common/article_jsonl.h"
#include "common/status_macros.h"

namespace storyline::bench {
namespace {

namespace fs = std::filesystem;

// The *.jsonl files under `path`, sorted, so the corpus (and so the
// generated output) does not depend on directory order.
absl::StatusOr<std::vector<fs::path>> JsonlFiles(const fs::path& path) {
  std::error_code error;
  if (!fs::exists(path, error)) {
    return absl::NotFoundError(absl::StrCat(path.string(), ": no such file or directory"));
  }
  if (!fs::is_directory(path, error)) return std::vector<fs::path>{path};
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".jsonl") files.push_back(it->path());
  }
  if (error) return absl::UnavailableError(absl::StrCat(path.string(), ": ", error.message()));
  std::sort(files.begin(), files.end());
  return files;
}

// Builds a SourceCorpus article by article.
class CorpusBuilder {
 public:
  void Add(const v1::Article& article, const std::string& folder) {
    ++corpus_.articles_read;
    std::vector<std::string> sentences = SplitSentences(article.body());
    if (sentences.empty()) return;
    const std::string& topic = article.topic().empty() ? folder : article.topic();
    const uint32_t pool_index = Intern(&pool_ids_, absl::StrCat(folder, "\n", topic));
    if (pool_index == corpus_.pools.size())
      corpus_.pools.push_back(TopicPool{.topic = topic, .sentences = {}, .titles = {}});
    TopicPool& pool = corpus_.pools[pool_index];
    const std::vector<absl::string_view> title_words = SplitWords(article.title());
    if (!title_words.empty()) pool.titles.push_back(JoinWords(title_words, 0, title_words.size()));
    const std::string& source = article.source().empty() ? folder : article.source();
    const uint32_t source_index = Intern(&source_ids_, source);
    if (source_index == corpus_.sources.size()) corpus_.sources.push_back(source);
    corpus_.patterns.push_back({.pool = pool_index,
                                .sentences = static_cast<uint32_t>(sentences.size()),
                                .source = source_index});
    corpus_.sentences += static_cast<int64_t>(sentences.size());
    for (std::string& s : sentences) pool.sentences.push_back(std::move(s));
  }

  SourceCorpus Finish() && { return std::move(corpus_); }

 private:
  // The index of `key` in `ids`, adding it as the next index if new.
  static uint32_t Intern(absl::flat_hash_map<std::string, uint32_t>* ids, std::string key) {
    const auto next = static_cast<uint32_t>(ids->size());
    return ids->try_emplace(std::move(key), next).first->second;
  }

  SourceCorpus corpus_;
  absl::flat_hash_map<std::string, uint32_t> pool_ids_;
  absl::flat_hash_map<std::string, uint32_t> source_ids_;
};

absl::Status ReadFile(const fs::path& file, CorpusBuilder* builder) {
  std::ifstream in(file);
  if (!in) return absl::UnavailableError(absl::StrCat(file.string(), ": cannot open"));
  const std::string folder = file.parent_path().filename().string();
  common::JsonlArticleReader reader(in);
  v1::Article article;
  while (reader.NextArticle(&article)) builder->Add(article, folder);
  if (in.bad()) return absl::UnavailableError(absl::StrCat(file.string(), ": read error"));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SourceCorpus> LoadSourceCorpus(absl::string_view path) {
  ASSIGN_OR_RETURN(const std::vector<fs::path> files, JsonlFiles(fs::path(std::string(path))));
  CorpusBuilder builder;
  for (const fs::path& file : files) RETURN_IF_ERROR(ReadFile(file, &builder));
  SourceCorpus corpus = std::move(builder).Finish();
  if (corpus.patterns.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " holds no usable article (", files.size(), " *.jsonl files, ", corpus.articles_read,
        " articles); give a folder of JSONL articles with prose bodies"));
  }
  return corpus;
}

}  // namespace storyline::bench
