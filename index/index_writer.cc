#include "index/index_writer.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "index/schema.h"
#include "index/xapian_status.h"

namespace storyline::index {

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& dir) {
  try {
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS);
    return std::unique_ptr<IndexWriter>(new IndexWriter(dir, std::move(db)));
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("opening index ", dir, " for writing"));
  }
}

IndexWriter::IndexWriter(std::string dir, Xapian::WritableDatabase db)
    : dir_(std::move(dir)), db_(std::move(db)) {}

IndexWriter::~IndexWriter() {
  try {
    // Xapian 1.4's close() commits pending changes (no transaction is
    // open), so accepted-but-uncommitted articles survive a shutdown.
    db_.close();
  } catch (const Xapian::Error&) {
    // Nothing useful to do while destroying.
  }
}

absl::StatusOr<bool> IndexWriter::Upsert(const PreparedArticle& article) {
  try {
    // replace_document(term, ...) walks the unique term's postlist through
    // the pending-changes overlay, which dominated ingest CPU; a new id
    // (the common case) only needs add_document().
    if (!db_.term_exists(article.id_term)) {
      db_.add_document(article.document);
      return false;
    }
    db_.replace_document(article.id_term, article.document);
    return true;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("writing article ", article.id));
  }
}

absl::StatusOr<bool> IndexWriter::Delete(absl::string_view id) {
  try {
    const std::string term = IdTerm(id);
    if (!db_.term_exists(term)) return false;
    db_.delete_document(term);
    return true;
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, absl::StrCat("deleting article ", id));
  }
}

absl::Status IndexWriter::AddSpelling(const SpellingCounts& counts) {
  try {
    for (const auto& [word, freq] : counts) db_.add_spelling(word, freq);
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "updating the spelling dictionary");
  }
}

absl::StatusOr<uint64_t> IndexWriter::Commit() {
  try {
    db_.set_metadata(kMetaLastCommit, std::to_string(absl::ToUnixMillis(absl::Now())));
    db_.commit();
    return static_cast<uint64_t>(db_.get_revision());
  } catch (const Xapian::Error& e) {
    return XapianErrorToStatus(e, "committing the index");
  }
}

uint64_t IndexWriter::ArticleCount() const { return db_.get_doccount(); }

}  // namespace storyline::index
