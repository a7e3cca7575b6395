#include "index/reshard.h"

#include <spdlog/spdlog.h>
#include <xapian.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "index/article_data.h"
#include "index/index_layout.h"
#include "index/schema.h"
#include "index/xapian_status.h"

namespace storyline::index {
namespace {

namespace fs = std::filesystem;
using Writers = std::vector<std::unique_ptr<IndexWriter>>;

// Takes the write lock of every existing shard, so nothing writes while
// articles move. A missing shard is an error: its articles would be lost.
absl::StatusOr<Writers> LockShards(const std::vector<std::string>& dirs) {
  Writers locks;
  for (const std::string& shard : dirs) {
    std::error_code ec;
    if (!fs::exists(fs::path(shard) / "iamglass", ec)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "shard ", shard, " is missing; restore it before resharding, or its articles are lost"));
    }
    absl::StatusOr<std::unique_ptr<IndexWriter>> w =
        IndexWriter::Open(shard, IndexWriter::Mode::kOpenExisting);
    if (!w.ok() && w.status().code() == absl::StatusCode::kUnavailable) {
      return absl::UnavailableError(
          absl::StrCat(shard, " is open for writing (is storyline-server running? stop it first): ",
                       w.status().message()));
    }
    if (!w.ok()) return w.status();
    locks.push_back(*std::move(w));
  }
  return locks;
}

// "shard-v<k>-" for the first k whose shards do not exist yet.
std::string FreshPrefix(const std::string& dir) {
  for (int k = 1;; ++k) {
    std::string prefix = absl::StrCat("shard-v", k, "-");
    std::error_code ec;
    if (!fs::exists(fs::path(dir) / (prefix + "00"), ec)) return prefix;
  }
}

// Copies every article of the shard at `path` into the writer its id
// belongs to under the new count.
absl::Status MoveArticles(const std::string& path, Writers& to, ReshardResult* result,
                          uint64_t total, const std::function<void(uint64_t, uint64_t)>& progress) {
  try {
    Xapian::Database from(path);
    for (auto it = from.postlist_begin(""); it != from.postlist_end(""); ++it) {
      PreparedArticle moved;
      moved.document = from.get_document(*it);
      v1::Article article;
      if (absl::Status s = DecodeArticleData(moved.document.get_data(), &article); !s.ok()) {
        return absl::DataLossError(absl::StrCat(path, " document ", *it, ": ", s.message()));
      }
      moved.id = article.id();
      moved.id_term = IdTerm(moved.id);
      ASSIGN_OR_RETURN(const bool replaced, to[ShardForId(moved.id, to.size())]->Upsert(moved));
      result->duplicates += replaced ? 1 : 0;
      if (++result->articles % 1000 == 0 && progress) progress(result->articles, total);
    }
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("reading ", path));
  }
}

// The spelling dictionary lives in shard 0.
absl::Status MoveSpelling(const std::string& dir, IndexWriter& shard0) {
  try {
    Xapian::Database all(dir);
    SpellingCounts counts;
    for (auto it = all.spellings_begin(); it != all.spellings_end(); ++it) {
      counts[*it] = it.get_termfreq();
    }
    return shard0.AddSpelling(counts);
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("reading the spelling dictionary of ", dir));
  }
}

}  // namespace

absl::StatusOr<ReshardResult> Reshard(const std::string& dir, int shards,
                                      const std::function<void(uint64_t, uint64_t)>& progress) {
  if (shards < 1 || shards > kMaxShards) {
    return absl::InvalidArgumentError(
        absl::StrCat("shard count must be 1 to ", kMaxShards, "; got ", shards));
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> old_dirs, ShardDirs(dir));
  if (old_dirs.size() == 1 && old_dirs[0] == dir) {
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " is a single glass database without a stub; it cannot be resharded in place"));
  }
  ASSIGN_OR_RETURN(Writers locks, LockShards(old_dirs));
  uint64_t total = 0;
  for (const auto& w : locks) total += w->ArticleCount();
  ASSIGN_OR_RETURN(Writers fresh, CreateShards(dir, FreshPrefix(dir), shards));
  ReshardResult result{.old_shards = static_cast<int>(old_dirs.size()), .new_shards = shards};
  for (const std::string& path : old_dirs) {
    RETURN_IF_ERROR(MoveArticles(path, fresh, &result, total, progress));
  }
  RETURN_IF_ERROR(MoveSpelling(dir, *fresh[0]));
  std::vector<std::string> new_dirs;
  for (auto& w : fresh) {
    RETURN_IF_ERROR(w->Commit().status());
    new_dirs.push_back(w->dir());
  }
  result.articles -= result.duplicates;
  fresh.clear();
  locks.clear();  // release the old shards' locks before they go
  RETURN_IF_ERROR(PublishStub(dir, new_dirs));
  for (const std::string& path : old_dirs) {
    std::error_code ec;
    if (fs::remove_all(path, ec); ec) {
      spdlog::warn("resharded, but could not remove the old shard {}: {}", path, ec.message());
    }
  }
  if (progress) progress(total, total);
  return result;
}

}  // namespace storyline::index
