// IndexWriter owns the one Xapian::WritableDatabase of a glass database
// directory: an unsharded index, or one shard of a sharded index (each
// shard has its own IndexWriter; see index_layout.h and write_pipeline.h).
// Upserts and deletes are buffered by Xapian and become visible to readers
// (and durable) only at Commit(). Between commits the writer keeps a Xapian
// transaction open: without one, Xapian 1.4 commits by itself (an fsync of
// every table) each time XAPIAN_FLUSH_THRESHOLD changes pile up; inside
// one, the threshold only flushes the buffered changes to the tables, so
// memory stays bounded and the disk syncs once per Commit().
//
// A write that fails for a reason outside the article (disk full, out of
// file descriptors, an I/O error) leaves Xapian's database closed. The
// writer then reports itself failed(): every call answers that failure
// (kResourceExhausted or kUnavailable, naming the shard) after one attempt
// to Recover(), which reopens the database and proves it can commit. Changes
// not committed before a failure are lost; generation() counts recoveries,
// so callers can tell whether their uncommitted changes survived.
//
// Thread-safety: not thread-safe. Exactly one thread uses an IndexWriter at
// a time; the server funnels every write through WritePipeline.
#ifndef STORYLINE_INDEX_INDEX_WRITER_H_
#define STORYLINE_INDEX_INDEX_WRITER_H_

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "index/article_indexer.h"
#include "index/shard_spec.h"

namespace storyline::index {

class IndexWriter {
 public:
  enum class Mode { kCreateOrOpen, kOpenExisting };
  // Opens the glass database in `dir`, creating it if needed unless `mode`
  // is kOpenExisting (then a missing database is kNotFound). Fails with
  // kUnavailable if another process holds the write lock.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Open(const std::string& dir,
                                                           Mode mode = Mode::kCreateOrOpen);
  // Opens `shard`: a local one as above, a remote one through its writable
  // xapian-tcpsrv (kUnavailable naming it when that does not answer). With a
  // `spelling_dir`, the spelling dictionary goes to a local glass database
  // there (created if needed) instead of the shard: Xapian's remote backend
  // stores spellings but never reads them back.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Open(const ShardSpec& shard, Mode mode,
                                                           const std::string& spelling_dir = "");

  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;
  // Commits pending changes and releases the write lock.
  ~IndexWriter();

  // Adds the article, replacing any article with the same id. Returns true
  // if an existing article was replaced, false if it was new.
  absl::StatusOr<bool> Upsert(const PreparedArticle& article);

  // Deletes the article with `id`. Returns false if there was none.
  absl::StatusOr<bool> Delete(absl::string_view id);

  // Adds word frequencies to the spelling dictionary (at the next commit).
  absl::Status AddSpelling(const SpellingCounts& counts);

  // Makes every change so far durable and visible; returns the new revision
  // (for a remote shard, which has none, the commit time in Unix ms).
  absl::StatusOr<uint64_t> Commit();

  // User metadata of the database (Xapian's get/set_metadata); set values
  // become durable at the next Commit().
  absl::StatusOr<std::string> GetMetadata(const std::string& key) const;
  absl::Status SetMetadata(const std::string& key, const std::string& value);

  // Number of articles, including uncommitted changes (0 while failed).
  uint64_t ArticleCount() const;

  // True after a write failed, until Recover() succeeds.
  bool failed() const { return !failure_.ok(); }
  // Why the writer failed (OK when it has not).
  const absl::Status& failure() const { return failure_; }
  // Reopens a failed writer and commits once to prove it can write again.
  // OK if the writer had not failed; otherwise the reason it still cannot
  // write (and it stays failed). Tries at most once per `kRecoveryInterval`;
  // calls in between answer the failure at once.
  absl::Status Recover();
  static constexpr absl::Duration kRecoveryInterval = absl::Seconds(1);
  // Bumped by every successful Recover(): changes made in an earlier
  // generation and not committed then are gone.
  uint64_t generation() const { return generation_; }

  // The shard's name in messages: its directory, or tcp://HOST:PORT.
  const std::string& dir() const { return dir_; }
  const ShardSpec& shard() const { return shard_; }

 private:
  IndexWriter(ShardSpec shard, Xapian::WritableDatabase db, std::string spelling_dir,
              Xapian::WritableDatabase spelling_db);

  // Opens the shard (and the spelling database, if any) and begins their
  // transactions. Throws Xapian::Error.
  void OpenDatabases(int action);
  // The database AddSpelling writes to.
  Xapian::WritableDatabase& SpellingDatabase() {
    return spelling_dir_.empty() ? db_ : spelling_db_;
  }
  // Closes the databases, ignoring errors (they may be closed already).
  void CloseQuietly();
  // Runs fn(). For a remote shard with nothing uncommitted, a NetworkError
  // reconnects (the server dropped an idle connection, or restarted) and
  // runs it once more. Throws what fn() or the reconnection throws.
  template <typename Fn>
  auto ReconnectingWhenIdle(Fn fn) -> decltype(fn());

  // Maps `e`; if the database may be unusable after it, closes it and marks
  // the writer failed. Returns the status to report.
  absl::Status Fail(const Xapian::Error& e, absl::string_view context);
  // The failure as callers see it: kResourceExhausted if the cause was
  // exhaustion, else kUnavailable, saying the writer is recovering.
  absl::Status FailedStatus() const;

  const ShardSpec shard_;
  const std::string dir_;
  Xapian::WritableDatabase db_;
  const std::string spelling_dir_;        // empty: spellings go to db_
  Xapian::WritableDatabase spelling_db_;  // open when spelling_dir_ is set
  absl::Status failure_;
  absl::Time next_recovery_ = absl::InfinitePast();
  uint64_t generation_ = 0;
  bool pending_ = false;  // changes since the last commit (or recovery)
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_INDEX_WRITER_H_
