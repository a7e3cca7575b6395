// Splits article text into sentences and titles into words, for
// `storyline-bench generate`, which recombines the sentences of real
// articles into new ones.
//
// Thread-safety: pure functions.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_SENTENCES_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_SENTENCES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace storyline::bench {

// The sentences of `body`, each with its whitespace runs collapsed to one
// space. A sentence ends at '.', '!' or '?' (with any closing quotes or
// brackets) before whitespace, unless the word is an abbreviation ("Mr.",
// "U.S.", "J."), at a blank line, and at a line quoting another post ('>'
// or '|' first), which is skipped. Sentences that do not read as prose are
// dropped:
// fewer than 4 or more than 80 words, an e-mail address or markup, or
// mostly symbols. Returns them in order; may be empty.
std::vector<std::string> SplitSentences(absl::string_view body);

// The words of `text` (runs of non-whitespace), in order.
std::vector<absl::string_view> SplitWords(absl::string_view text);

// `words[begin, end)` joined by single spaces.
std::string JoinWords(const std::vector<absl::string_view>& words, size_t begin, size_t end);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_SENTENCES_H_
