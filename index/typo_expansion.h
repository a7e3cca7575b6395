// Typo-tolerant search: a parsed query whose words may be typos is widened
// so that each such word also matches its corrections (TypoCorrector), at a
// lower weight, and the query text is rewritten to say what was searched.
//
// What is corrected: free-text words and title: words that add weight to a
// match. Left exactly as typed: words inside phrases and NEAR/ADJ groups
// (a phrase is a precise request), excluded words (NOT, -word), boolean
// filters (topic:, source:, tag:) and operators.
//
// Each corrected word's term T becomes T OR (corrections scaled by
// kCorrectionWeight), the corrections joined with OP_SYNONYM so several of
// them weigh like one word. A match on the word as typed therefore always
// weighs more than a match on a correction of it: the typed word is rarer
// (it is a typo, or a rare word next to a common one), so its BM25 weight
// is larger even before the scaling.
//
// Thread-safety: pure functions over the calling thread's objects.
#ifndef STORYLINE_INDEX_TYPO_EXPANSION_H_
#define STORYLINE_INDEX_TYPO_EXPANSION_H_

#include <xapian.h>

#include <string>

#include "index/typo_corrector.h"

namespace storyline::index {

// Weight of a correction's match relative to the word as typed.
inline constexpr double kCorrectionWeight = 0.5;
// Corrections searched per word (the best one is shown).
inline constexpr size_t kCorrectionsPerWord = 2;

struct TypoExpansion {
  // `parsed` with the corrections added (or `parsed` itself).
  Xapian::Query query;
  // The text with each corrected word replaced by its best correction;
  // empty when no word was corrected.
  std::string corrected_text;
};

// Finds the words of `text` (as parsed into `parsed`, with `stemmer`) that
// `corrector` would correct. With `expand`, adds their corrections to the
// query; without, only fills `corrected_text` (a suggestion). May throw
// Xapian::Error.
TypoExpansion ExpandTypos(const Xapian::Query& parsed, const std::string& text,
                          const Xapian::Stem& stemmer, TypoCorrector& corrector, bool expand);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_TYPO_EXPANSION_H_
