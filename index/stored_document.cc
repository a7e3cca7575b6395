#include "index/stored_document.h"

#include "index/article_data.h"
#include "index/schema.h"
#include "index/simhash.h"

namespace storyline::index {

std::optional<Xapian::docid> FindDocId(const Xapian::Database& db, absl::string_view id) {
  const std::string term = IdTerm(id);
  Xapian::PostingIterator it = db.postlist_begin(term);
  if (it == db.postlist_end(term)) return std::nullopt;
  return *it;
}

bool ParseArticle(const Xapian::Document& doc, storyline::v1::Article* out) {
  return DecodeArticleData(doc.get_data(), out).ok();
}

std::optional<absl::Time> DocPublishTime(const Xapian::Document& doc) {
  const std::string v = doc.get_value(kSlotPublishTime);
  if (v.empty()) return std::nullopt;
  return absl::UnixEpoch() + absl::Seconds(Xapian::sortable_unserialise(v));
}

uint64_t DocSimHash(const Xapian::Document& doc) {
  return DecodeSimHash(doc.get_value(kSlotSimHash)).value_or(0);
}

double UnixSeconds(absl::Time t) { return absl::ToDoubleSeconds(t - absl::UnixEpoch()); }

}  // namespace storyline::index
