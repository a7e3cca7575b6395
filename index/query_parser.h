// SearchQueryParser: turns what a user typed into a Xapian query, the way
// the index was built (english stems, STEM_ALL_Z), with field prefixes
// (title:, topic:, source:, tag:), query-time stop words, a fallback for
// text that does not parse, and typo tolerance (typo_expansion.h).
//
// Thread-safety: not thread-safe; owned by one Searcher and used on its
// thread.
#ifndef STORYLINE_INDEX_QUERY_PARSER_H_
#define STORYLINE_INDEX_QUERY_PARSER_H_

#include <xapian.h>

#include <string>

#include "absl/strings/string_view.h"
#include "index/synonyms.h"
#include "index/typo_corrector.h"

namespace storyline::index {

// True if `text` has anything but whitespace (an empty query matches all).
bool HasQueryWords(absl::string_view text);

// A query matching every document. Not Xapian::Query::MatchAll: that static
// shares one non-atomic reference count among all threads, and copies of
// it on two search threads at once corrupted it (a crash;
// tests/index/concurrency_test).
Xapian::Query MatchEverything();

class SearchQueryParser {
 public:
  // `db` and `stemmer` must outlive the parser; `db` is read for spelling
  // and stems as it is at each call (the Searcher reopens it in place).
  // `plain` leaves the stop words out (RankingOptions::plain).
  SearchQueryParser(Xapian::Database& db, const Xapian::Stem& stemmer, bool plain);
  // The same, with the spelling dictionary read from `spelling` (which
  // must outlive the parser too; see TypoCorrector).
  SearchQueryParser(Xapian::Database& db, const Xapian::Database& spelling,
                    const Xapian::Stem& stemmer, bool plain);

  SearchQueryParser(const SearchQueryParser&) = delete;
  SearchQueryParser& operator=(const SearchQueryParser&) = delete;

  // Parses `text` (Xapian query syntax). Text that does not parse falls
  // back to plain words, then to letters, digits and spaces only. With
  // `typo_tolerance`, words that look like typos also match their
  // corrections, at a lower weight (typo_expansion.h). Sets `*corrected`
  // to the text with those words corrected (with `typo_tolerance`, the
  // query as searched; without, a suggestion), or empty if none was;
  // after the last fallback it is left alone. May throw Xapian::Error.
  Xapian::Query Parse(const std::string& text, bool typo_tolerance, std::string* corrected);

  // Words of `synonyms` are searched even when they are stop words, so
  // that they can be expanded; null (the default) keeps every stop word
  // out. `synonyms` must outlive its use here (the Searcher holds it).
  void KeepSynonymWords(const SynonymTable* synonyms) { stopper_.synonyms = synonyms; }

  // Points Xapian's parser at `db` again after the Searcher replaced it
  // with a newly opened Database (a read replica's shard switched
  // directories); reopen() in place needs no call.
  void Rebind() {
    parser_.set_database(db_);
    IndexChanged();
  }

  // The index moved to a new revision: forgets what was read of the old.
  void IndexChanged() { corrector_.ForgetCounts(); }

 private:
  // The SMART stop list, less the words of the current synonym groups.
  struct QueryStopper : Xapian::Stopper {
    bool operator()(const std::string& word) const override;
    const SynonymTable* synonyms = nullptr;
  };

  Xapian::Database& db_;
  const Xapian::Stem& stemmer_;
  Xapian::QueryParser parser_;
  QueryStopper stopper_;
  TypoCorrector corrector_;  // uses db_ and stemmer_
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_QUERY_PARSER_H_
