#include "index/index_writer.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "index/commit_clock.h"
#include "index/schema.h"
#include "index/xapian_status.h"

namespace storyline::index {
namespace {

// Errors about the request itself leave the database usable; any other
// Xapian error may have closed it (Xapian closes a WritableDatabase whose
// flush or commit failed).
bool LeavesDatabaseUsable(const Xapian::Error& e) {
  const std::string_view type = e.get_type();
  return type == "InvalidArgumentError" || type == "RangeError" || type == "DocNotFoundError";
}

}  // namespace

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& dir, Mode mode) {
  return Open(ShardSpec::Local(dir), mode);
}

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(const ShardSpec& shard, Mode mode,
                                                               const std::string& spelling_dir) {
  try {
    const int action = mode == Mode::kOpenExisting ? Xapian::DB_OPEN : Xapian::DB_CREATE_OR_OPEN;
    Xapian::WritableDatabase db = OpenShardWritable(shard, action);
    Xapian::WritableDatabase spelling_db;
    if (!spelling_dir.empty()) {
      spelling_db = Xapian::WritableDatabase(spelling_dir,
                                             Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
      spelling_db.begin_transaction();
    }
    db.begin_transaction();
    return std::unique_ptr<IndexWriter>(
        new IndexWriter(shard, std::move(db), spelling_dir, std::move(spelling_db)));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("opening index ", shard.Name(), " for writing"));
  }
}

IndexWriter::IndexWriter(ShardSpec shard, Xapian::WritableDatabase db, std::string spelling_dir,
                         Xapian::WritableDatabase spelling_db)
    : shard_(std::move(shard)),
      dir_(shard_.remote() ? shard_.writer.ToString() : shard_.path),
      db_(std::move(db)),
      spelling_dir_(std::move(spelling_dir)),
      spelling_db_(std::move(spelling_db)) {}

IndexWriter::~IndexWriter() {
  if (failed()) return;  // closed already; its uncommitted changes are gone
  try {
    // close() would abort the open transaction: commit it first, so
    // accepted-but-uncommitted articles survive a shutdown.
    if (!spelling_dir_.empty()) {
      spelling_db_.commit_transaction();
      spelling_db_.close();
    }
    db_.commit_transaction();
    db_.close();
  } catch (const Xapian::Error&) {
    // Nothing useful to do while destroying.
  }
}

void IndexWriter::OpenDatabases(int action) {
  db_ = OpenShardWritable(shard_, action);
  if (!spelling_dir_.empty()) {
    spelling_db_ =
        Xapian::WritableDatabase(spelling_dir_, Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS);
  }
}

void IndexWriter::CloseQuietly() {
  for (Xapian::WritableDatabase* db : {&db_, &spelling_db_}) {
    try {
      db->close();  // releases the write lock so Recover() can reopen
    } catch (const Xapian::Error&) {
      // Already closed by Xapian, or its connection is gone.
    }
  }
}

absl::Status IndexWriter::Fail(const Xapian::Error& e, absl::string_view context) {
  absl::Status status = XapianErrorToStatus(e, absl::StrCat(context, " in ", dir_));
  if (LeavesDatabaseUsable(e)) return status;
  if (failure_.ok()) {
    spdlog::error("index writer {} failed; writes to it are refused until it recovers: {}", dir_,
                  status.ToString());
  }
  failure_ = std::move(status);
  CloseQuietly();
  return FailedStatus();
}

absl::Status IndexWriter::FailedStatus() const {
  const std::string msg =
      absl::StrCat("index writer failed and is recovering (retry later): ", failure_.message());
  if (failure_.code() == absl::StatusCode::kResourceExhausted) {
    return absl::ResourceExhaustedError(msg);
  }
  return absl::UnavailableError(msg);
}

absl::Status IndexWriter::Recover() {
  if (failure_.ok()) return absl::OkStatus();
  const absl::Time now = absl::Now();
  if (now < next_recovery_) return FailedStatus();
  next_recovery_ = now + kRecoveryInterval;
  try {
    OpenDatabases(Xapian::DB_OPEN);
    // Opening writes nothing; a commit proves there is room to write again.
    db_.set_metadata(kMetaLastCommit, std::to_string(absl::ToUnixMillis(absl::Now())));
    db_.commit();
    NoteIndexCommit();
    db_.begin_transaction();
    if (!spelling_dir_.empty()) spelling_db_.begin_transaction();
  } catch (const Xapian::Error& e) {
    failure_ = XapianErrorToStatus(e, absl::StrCat("reopening ", dir_));
    CloseQuietly();
    return FailedStatus();
  }
  failure_ = absl::OkStatus();
  pending_ = false;
  ++generation_;
  spdlog::info("index writer {} recovered; writes accepted again", dir_);
  return absl::OkStatus();
}

template <typename Fn>
auto IndexWriter::ReconnectingWhenIdle(Fn fn) -> decltype(fn()) {
  if (!shard_.remote() || pending_) return fn();
  try {
    return fn();
  } catch (const Xapian::NetworkError& e) {
    // Nothing uncommitted is lost by reconnecting (xapian-tcpsrv drops
    // connections idle past its --idle-timeout, or was restarted).
    spdlog::info("index writer {}: reconnecting ({})", dir_, e.get_description());
    CloseQuietly();
    OpenDatabases(Xapian::DB_OPEN);
    db_.begin_transaction();
    if (!spelling_dir_.empty()) spelling_db_.begin_transaction();
    return fn();
  }
}

absl::StatusOr<bool> IndexWriter::Upsert(const PreparedArticle& article) {
  if (absl::Status s = Recover(); !s.ok()) return s;
  try {
    const bool replaced = ReconnectingWhenIdle([&] {
      // replace_document(term, ...) walks the unique term's postlist
      // through the pending-changes overlay, which dominated ingest CPU; a
      // new id (the common case) only needs add_document().
      if (!db_.term_exists(article.id_term)) {
        db_.add_document(article.document);
        return false;
      }
      db_.replace_document(article.id_term, article.document);
      return true;
    });
    pending_ = true;
    return replaced;
  } catch (const Xapian::Error& e) {
    return Fail(e, absl::StrCat("writing article ", article.id));
  }
}

absl::StatusOr<bool> IndexWriter::Delete(absl::string_view id) {
  if (absl::Status s = Recover(); !s.ok()) return s;
  try {
    const std::string term = IdTerm(id);
    const bool deleted = ReconnectingWhenIdle([&] {
      if (!db_.term_exists(term)) return false;
      db_.delete_document(term);
      return true;
    });
    pending_ = pending_ || deleted;
    return deleted;
  } catch (const Xapian::Error& e) {
    return Fail(e, absl::StrCat("deleting article ", id));
  }
}

absl::Status IndexWriter::AddSpelling(const SpellingCounts& counts) {
  if (absl::Status s = Recover(); !s.ok()) return s;
  try {
    Xapian::WritableDatabase& spelling = SpellingDatabase();
    pending_ = pending_ || !counts.empty();
    for (const auto& [word, freq] : counts) spelling.add_spelling(word, freq);
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return Fail(e, "updating the spelling dictionary");
  }
}

absl::StatusOr<uint64_t> IndexWriter::Commit() {
  if (absl::Status s = Recover(); !s.ok()) return s;
  try {
    if (!spelling_dir_.empty()) {
      // The dictionary first: a shard revision never counts words that a
      // crash could still lose.
      spelling_db_.commit_transaction();
      spelling_db_.begin_transaction();
    }
    const int64_t now_ms = absl::ToUnixMillis(absl::Now());
    db_.set_metadata(kMetaLastCommit, std::to_string(now_ms));
    db_.commit_transaction();  // a flushed transaction: commits, with fsync
    NoteIndexCommit();
    // The remote backend has no revisions: its commit time stands in.
    const auto revision =
        shard_.remote() ? static_cast<uint64_t>(now_ms) : static_cast<uint64_t>(db_.get_revision());
    db_.begin_transaction();
    pending_ = false;
    return revision;
  } catch (const Xapian::Error& e) {
    return Fail(e, "committing");
  }
}

absl::StatusOr<std::string> IndexWriter::GetMetadata(const std::string& key) const {
  if (failed()) return FailedStatus();
  try {
    return db_.get_metadata(key);
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("reading metadata of ", dir_));
  }
}

absl::Status IndexWriter::SetMetadata(const std::string& key, const std::string& value) {
  if (absl::Status s = Recover(); !s.ok()) return s;
  try {
    db_.set_metadata(key, value);
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return Fail(e, "writing metadata");
  }
}

uint64_t IndexWriter::ArticleCount() const {
  if (failed()) return 0;
  try {
    return db_.get_doccount();
  } catch (const Xapian::Error&) {
    return 0;
  }
}

}  // namespace storyline::index
