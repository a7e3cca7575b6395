#include "server/seed_loader.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "index/article_indexer.h"

namespace storyline::server {

absl::StatusOr<SeedResult> SeedFromJsonl(const std::string& path, index::IndexWriter& writer) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read seed file ", path));
  index::ArticleIndexer indexer;
  index::SpellingCounts spelling;
  SeedResult result;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    v1::Article article;
    auto parsed = google::protobuf::util::JsonStringToMessage(line, &article);
    if (!parsed.ok()) {
      spdlog::warn("seed {}:{}: not a valid Article: {}", path, line_no,
                   parsed.message().as_string());
      ++result.rejected;
      continue;
    }
    absl::StatusOr<index::PreparedArticle> prepared = indexer.Prepare(article, &spelling);
    absl::Status status = prepared.status();
    if (prepared.ok()) status = writer.Upsert(*prepared).status();
    if (!status.ok()) {
      spdlog::warn("seed {}:{}: {}", path, line_no, std::string(status.message()));
      ++result.rejected;
      continue;
    }
    ++result.indexed;
  }
  index::PruneSpellingForBulk(result.indexed, &spelling);
  if (absl::Status s = writer.AddSpelling(spelling); !s.ok()) return s;
  if (absl::StatusOr<uint64_t> rev = writer.Commit(); !rev.ok()) return rev.status();
  return result;
}

}  // namespace storyline::server
