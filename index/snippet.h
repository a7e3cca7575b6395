// Highlighted extracts ("snippets") of search results.
//
// Xapian's MSet::snippet() tokenizes and stems every word it is given, which
// made it most of a query's CPU. Highlighter only
// stems words that could match: a word can stem to a query stem only if it
// starts with the stem's first letters, so almost every word is rejected by
// a prefix compare.
//
// Thread-safety: a Highlighter holds a Xapian::Stem, which is not
// thread-safe; use one per thread (Searcher owns one per query).
#ifndef STORYLINE_INDEX_SNIPPET_H_
#define STORYLINE_INDEX_SNIPPET_H_

#include <xapian.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace storyline::index {

class Highlighter {
 public:
  // `stems` are the query's word stems without prefixes ("barrag").
  Highlighter(const Xapian::Stem& stemmer, std::vector<std::string> stems);

  // An extract of `text` of at most about `max_bytes` bytes starting shortly
  // before the first matching word (or at the start if none matches), with
  // matching words wrapped in <em>...</em>, "..." where text was cut, and
  // the text HTML-escaped. Never splits a UTF-8 sequence.
  std::string Snippet(absl::string_view text, size_t max_bytes) const;

  // True if `word` (any case) stems to one of the query stems.
  bool Matches(absl::string_view word) const;

 private:
  // Where the snippet of `text` starts: shortly before the first matching
  // word, at a word start (0 if no word matches early enough).
  size_t SnippetStart(absl::string_view text) const;

  Xapian::Stem stemmer_;
  std::vector<std::string> stems_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SNIPPET_H_
