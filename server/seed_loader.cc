#include "server/seed_loader.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/article_jsonl.h"
#include "index/article_indexer.h"

namespace storyline::server {

absl::StatusOr<SeedResult> SeedFromJsonl(const std::string& path, index::WritePipeline& pipeline) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read seed file ", path));
  index::ArticleIndexer indexer;
  index::SpellingCounts spelling;
  SeedResult result;
  auto write_errors = std::make_shared<std::atomic<int64_t>>(0);
  common::JsonlArticleReader reader(in);
  while (reader.NextLine()) {
    if (reader.blank()) continue;
    const int64_t line_no = reader.line_number();
    absl::StatusOr<v1::Article> article = reader.ParseLine();
    if (!article.ok()) {
      spdlog::warn("seed {}:{}: not a valid Article: {}", path, line_no,
                   std::string(article.status().message()));
      ++result.rejected;
      continue;
    }
    absl::StatusOr<index::PreparedArticle> prepared = indexer.Prepare(*article, &spelling);
    if (!prepared.ok()) {
      spdlog::warn("seed {}:{}: {}", path, line_no, std::string(prepared.status().message()));
      ++result.rejected;
      continue;
    }
    auto doc = std::make_shared<index::PreparedArticle>(std::move(*prepared));
    pipeline.SubmitFor(doc->id, [doc, write_errors, line_no, path](index::IndexWriter& w) {
      if (absl::Status s = w.Upsert(*doc).status(); !s.ok()) {
        spdlog::warn("seed {}:{}: {}", path, line_no, std::string(s.message()));
        write_errors->fetch_add(1);
      }
    });
    ++result.indexed;
  }
  index::PruneSpellingForBulk(result.indexed, &spelling);
  absl::Notification committed;
  absl::Status commit_status;
  pipeline.SubmitCommit(std::make_shared<const index::SpellingCounts>(std::move(spelling)),
                        [&](const absl::StatusOr<uint64_t>& revision) {
                          commit_status = revision.status();
                          committed.Notify();
                        });
  committed.WaitForNotification();
  if (!commit_status.ok()) return commit_status;
  result.indexed -= write_errors->load();
  result.rejected += write_errors->load();
  return result;
}

}  // namespace storyline::server
