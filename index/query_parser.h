// SearchQueryParser: turns what a user typed into a Xapian query, the way
// the index was built (english stems, STEM_ALL_Z), with field prefixes
// (title:, topic:, source:, tag:), query-time stop words, a fallback for
// text that does not parse, and spelling suggestions.
//
// Thread-safety: not thread-safe; owned by one Searcher and used on its
// thread.
#ifndef STORYLINE_INDEX_QUERY_PARSER_H_
#define STORYLINE_INDEX_QUERY_PARSER_H_

#include <xapian.h>

#include <string>

#include "absl/strings/string_view.h"

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

  SearchQueryParser(const SearchQueryParser&) = delete;
  SearchQueryParser& operator=(const SearchQueryParser&) = delete;

  // Parses `text` (Xapian query syntax). Text that does not parse falls
  // back to plain words, then to letters, digits and spaces only. Sets
  // `*corrected` to CorrectSpelling(text), except after the last fallback,
  // which leaves it alone. May throw Xapian::Error.
  Xapian::Query Parse(const std::string& text, std::string* corrected);

  // `text` with each word whose stem is not indexed replaced by the
  // spelling dictionary's suggestion; empty if nothing was replaced.
  std::string CorrectSpelling(const std::string& text);

 private:
  Xapian::Database& db_;
  const Xapian::Stem& stemmer_;
  Xapian::QueryParser parser_;
  Xapian::SimpleStopper stopper_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_QUERY_PARSER_H_
