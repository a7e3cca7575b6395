// IndexWriter owns the one Xapian::WritableDatabase of an index directory.
// Upserts and deletes are buffered by Xapian and become visible to readers
// (and durable) only at Commit().
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
#include "index/article_indexer.h"

namespace storyline::index {

class IndexWriter {
 public:
  // Opens (creating if needed) the glass database in `dir`. Fails with
  // kUnavailable if another process holds the write lock.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Open(const std::string& dir);

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

  // Makes every change so far durable and visible; returns the new revision.
  absl::StatusOr<uint64_t> Commit();

  // Number of articles, including uncommitted changes.
  uint64_t ArticleCount() const;

  const std::string& dir() const { return dir_; }

 private:
  IndexWriter(std::string dir, Xapian::WritableDatabase db);

  const std::string dir_;
  Xapian::WritableDatabase db_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_INDEX_WRITER_H_
