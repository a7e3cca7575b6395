// Reading what the indexer stored in a document: lookup by article id, the
// article itself, its publish time and its SimHash.
//
// Thread-safety: pure functions; the Database and Documents they are given
// belong to the calling thread.
#ifndef STORYLINE_INDEX_STORED_DOCUMENT_H_
#define STORYLINE_INDEX_STORED_DOCUMENT_H_

#include <xapian.h>

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

// The docid of the article with `id`, or nullopt if the index lacks it.
std::optional<Xapian::docid> FindDocId(const Xapian::Database& db, absl::string_view id);

// Decodes the stored article into `out`; false if the data is unreadable.
bool ParseArticle(const Xapian::Document& doc, storyline::v1::Article* out);

// The stored publish time, or nullopt for an article without one.
std::optional<absl::Time> DocPublishTime(const Xapian::Document& doc);

// The stored SimHash (0, "no fingerprint", if missing).
uint64_t DocSimHash(const Xapian::Document& doc);

// Seconds since the Unix epoch, as the publish-time slot holds them.
double UnixSeconds(absl::Time t);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_STORED_DOCUMENT_H_
