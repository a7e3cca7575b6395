// TypoCorrector: the words a user probably meant by a query word, taken
// from the index's spelling dictionary (surface words with the number of
// articles that use them) and its stems. Typo-tolerant search
// (typo_expansion.h) searches them next to the word; spelling suggestions
// show the best one.
//
// The rule, as in Typesense and Meilisearch: words of fewer than 5 letters
// are never corrected; words of 5 to 8 letters are corrected within one
// edit (a letter deleted, inserted, replaced, or two neighbours swapped),
// words of 9 or more within two, keeping the first letter. A word is
// corrected when no article has its stem, or when at most
// kRareWordArticles do and a correction is used by at least kDominance
// times as many articles. Corrections are ranked by how many articles use
// them.
//
// Thread-safety: not thread-safe; one per Searcher, used on its thread.
#ifndef STORYLINE_INDEX_TYPO_CORRECTOR_H_
#define STORYLINE_INDEX_TYPO_CORRECTOR_H_

#include <xapian.h>

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace storyline::index {

// Shorter words are never corrected.
inline constexpr size_t kMinTypoWordLetters = 5;
// Words this long or longer may be corrected within two edits.
inline constexpr size_t kTwoTypoWordLetters = 9;
// A known word used by at most this many articles may still be a typo...
inline constexpr Xapian::doccount kRareWordArticles = 2;
// ...when a correction is used by at least this many times as many.
inline constexpr Xapian::doccount kDominance = 20;

// A correction and the number of articles that use it.
struct Correction {
  std::string word;
  Xapian::doccount articles = 0;
};

class TypoCorrector {
 public:
  // `db` and `stemmer` must outlive the corrector; `db` is read as it is at
  // each call.
  TypoCorrector(const Xapian::Database& db, const Xapian::Stem& stemmer);
  // The same, with the spelling dictionary read from `spelling` instead of
  // `db` (a remote index keeps it in a local database, see
  // index_layout.h SpellingDir); `spelling` must outlive the corrector too.
  TypoCorrector(const Xapian::Database& db, const Xapian::Database& spelling,
                const Xapian::Stem& stemmer);

  // Up to `max` corrections of `word` (lower-case ASCII letters), most used
  // first; empty when the word needs none (or has none). Corrections whose
  // stem is the word's own stem are left out: they would search the same
  // term. May throw Xapian::Error.
  std::vector<Correction> Corrections(const std::string& word, size_t max);

  // Drops the article counts remembered since the last call: the index
  // changed. (Each query word's stem count is looked up once per index
  // revision; on a remote index every lookup is a round trip per shard.)
  void ForgetCounts() { stem_articles_.clear(); }

 private:
  // Articles with the stem `stem` (db_'s term frequency of "Z" + stem).
  Xapian::doccount StemArticles(const std::string& stem);
  // Articles using `word`: its spelling-dictionary count, or, for a word
  // the dictionary lacks (once-seen words are pruned in bulk loads), the
  // article count of its stem.
  Xapian::doccount ArticlesUsing(const std::string& word);
  // Dictionary words (and singulars of dictionary plurals) within one edit.
  std::vector<Correction> WithinOneEdit(const std::string& word);

  const Xapian::Database& db_;        // stems and article counts
  const Xapian::Database& spelling_;  // the spelling dictionary
  const Xapian::Stem& stemmer_;
  absl::flat_hash_map<std::string, Xapian::doccount> stem_articles_;  // see ForgetCounts()
};

// Every distinct string one edit from `word` (a-z only), sorted.
std::vector<std::string> OneEditVariants(const std::string& word);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_TYPO_CORRECTOR_H_
