// Turns an Article into a Xapian::Document ready for the writer.
//
// Thread-safety: an ArticleIndexer owns a TermGenerator and a stemmer, which
// are not thread-safe. Use one ArticleIndexer per thread. ValidateArticle()
// is a pure function and safe from any thread.
#ifndef STORYLINE_INDEX_ARTICLE_INDEXER_H_
#define STORYLINE_INDEX_ARTICLE_INDEXER_H_

#include <xapian.h>

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storyline/v1/article.pb.h"

namespace storyline::index {

// Checks an article against the schema's limits: an id, a title or a body
// that is not blank (whitespace only), sizes within limits. Returns kInvalidArgument whose
// message names the field and what to fix; OK otherwise.
absl::Status ValidateArticle(const storyline::v1::Article& article);

// An article turned into a document, ready for IndexWriter::Upsert.
struct PreparedArticle {
  std::string id;
  std::string id_term;
  Xapian::Document document;
};

// Word -> frequency, collected while preparing articles and handed to the
// writer's spelling dictionary at commit time (batched: far cheaper than one
// add_spelling() per word occurrence on the writer thread).
using SpellingCounts = absl::flat_hash_map<std::string, Xapian::termcount>;

// A batch of at least this many articles is a bulk load for spelling.
inline constexpr int64_t kBulkSpellingArticles = 200;

// Drops words seen in only one article of a bulk load (`articles` >=
// kBulkSpellingArticles) from `spelling`. In bulk loads those are mostly
// typos, names and junk, and adding each word to Xapian's spelling table
// costs time on the shard 0 writer thread (bench/README.md).
// Small batches keep every word, so articles ingested one at a time still
// teach the dictionary.
void PruneSpellingForBulk(int64_t articles, SpellingCounts* spelling);

class ArticleIndexer {
 public:
  ArticleIndexer();

  // Validates `article` and builds its document: stemmed title (prefixed and
  // unprefixed, weighted kTitleWeight) and body with positions, boolean
  // topic/source/tag terms, the sortable publish time, facet values, the
  // unique id term and the serialized article as document data.
  // If `spelling` is not null, the article's words are counted into it.
  // Fails with kInvalidArgument if the article is invalid.
  absl::StatusOr<PreparedArticle> Prepare(const storyline::v1::Article& article,
                                          SpellingCounts* spelling);

 private:
  Xapian::Stem stemmer_;
  Xapian::TermGenerator termgen_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_ARTICLE_INDEXER_H_
