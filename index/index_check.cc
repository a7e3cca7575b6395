#include "index/index_check.h"

#include <xapian.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "index/article_data.h"
#include "index/index_layout.h"
#include "index/xapian_status.h"

namespace storyline::index {
namespace {

// Reads document `did` of `db` whole: its stored article and its terms.
absl::Status ReadDocument(const Xapian::Database& db, Xapian::docid did) {
  const Xapian::Document doc = db.get_document(did);
  v1::Article article;
  RETURN_IF_ERROR(DecodeArticleData(doc.get_data(), &article));
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) (void)t.get_wdf();
  return absl::OkStatus();
}

absl::Status QuickCheckShard(const ShardSpec& shard) {
  try {
    Xapian::Database db = OpenShardDatabase(shard);
    if (!shard.remote()) (void)db.get_revision();  // the remote backend has none
    if (db.get_doccount() == 0) return absl::OkStatus();
    const Xapian::docid first = *db.postlist_begin("");
    RETURN_IF_ERROR(ReadDocument(db, first));
    // The last docid may have been deleted: walk the tail of the postlist.
    const Xapian::docid tail = db.get_lastdocid();
    Xapian::docid last = first;
    auto it = db.postlist_begin("");
    it.skip_to(tail > 64 ? tail - 64 : 1);
    for (; it != db.postlist_end(""); ++it) last = *it;
    return ReadDocument(db, last);
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e);
  }
}

size_t FullCheckShard(const std::string& shard, std::ostream& out) {
  size_t problems = 0;
  try {
    problems += Xapian::Database::check(shard, Xapian::DBCHECK_SHORT_TREE, &out);
  } catch (const Xapian::Error& e) {
    out << shard << ": " << e.get_description() << "\n";
    return problems + 1;
  }
  try {
    Xapian::Database db(shard);
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      if (absl::Status s = ReadDocument(db, *it); !s.ok()) {
        out << shard << ": document " << *it << ": " << s.message() << "\n";
        ++problems;
      }
    }
  } catch (const Xapian::Error& e) {
    out << shard << ": reading documents: " << e.get_description() << "\n";
    ++problems;
  }
  return problems;
}

}  // namespace

absl::Status ProbeReadable(const std::string& dir) {
  try {
    Xapian::Database db(dir);
    (void)db.get_doccount();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    absl::Status status = XapianErrorToStatus(e, absl::StrCat("opening ", dir));
    // Name the shard that is gone: Xapian's error may not.
    if (absl::StatusOr<std::vector<ShardSpec>> shards = ShardSpecs(dir); shards.ok()) {
      if (absl::Status named = FindUnreachableShard(*shards); !named.ok()) return named;
    }
    return status;
  }
}

absl::Status QuickCheck(const std::string& dir) {
  absl::StatusOr<std::vector<ShardSpec>> shards = ShardSpecs(dir);
  if (absl::IsNotFound(shards.status())) return absl::OkStatus();  // a new index
  if (!shards.ok()) return shards.status();
  for (const ShardSpec& shard : *shards) {
    std::error_code ec;
    // A missing shard is OpenShardWriters' to report, with its remedy.
    if (!shard.remote() &&
        !std::filesystem::exists(std::filesystem::path(shard.path) / "iamglass", ec)) {
      continue;
    }
    if (absl::Status s = QuickCheckShard(shard); !s.ok()) {
      if (shard.remote() && absl::IsUnavailable(s)) {
        return absl::UnavailableError(
            absl::StrCat("remote shard ", shard.Name(), " is unreachable: ", s.message()));
      }
      return absl::Status(
          s.code() == absl::StatusCode::kInternal ? absl::StatusCode::kDataLoss : s.code(),
          absl::StrCat("shard ", shard.Name(), " is damaged: ", s.message(),
                       ". Run `storyline-admin check --index_dir=", dir,
                       "` for a full report, then restore the shard from a backup"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> FullCheck(const std::string& dir, std::ostream& out) {
  ASSIGN_OR_RETURN(const std::vector<ShardSpec> shards, ShardSpecs(dir));
  size_t problems = 0;
  for (const ShardSpec& shard : shards) {
    out << "== " << shard.Name() << "\n";
    if (shard.remote()) {
      out << "remote: run `xapian-check` and `storyline-admin check` on the shard's host\n";
      continue;
    }
    const size_t found = FullCheckShard(shard.path, out);
    out << (found == 0 ? "ok" : absl::StrCat(found, " problem(s)")) << "\n";
    problems += found;
  }
  return problems;
}

}  // namespace storyline::index
