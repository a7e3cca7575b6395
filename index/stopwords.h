// English stop words: function words that never make a label, a keyword
// or (for query-time stopping) a useful search term on their own.
#ifndef STORYLINE_INDEX_STOPWORDS_H_
#define STORYLINE_INDEX_STOPWORDS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace storyline::index {

// The list, lower case.
const std::vector<std::string>& EnglishStopWords();

// True if `word` (any case) is a stop word.
bool IsStopWord(absl::string_view word);

// True if the Z-prefixed English stem `zterm` ("Zthe") is the stem of a
// stop word.
bool IsStopStem(absl::string_view zterm);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_STOPWORDS_H_
