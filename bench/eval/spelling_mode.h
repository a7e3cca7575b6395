// storyline-eval --mode=spelling: one-edit typos (delete, insert,
// substitute or swap a letter; fixed seed) of headline words of five or
// more letters, each sent alone as a query; a typo counts as restored when
// corrected_query is the original word. Typos that are themselves words of
// the corpus are not used. Then each original word is sent as it is:
// corrected_query must stay empty (a false correction otherwise). Last, the
// typo's whole headline is searched with the typo in it, as a user would
// type it: a hit when the headline's own article is in the top 10.
#ifndef STORYLINE_BENCH_EVAL_SPELLING_MODE_H_
#define STORYLINE_BENCH_EVAL_SPELLING_MODE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "storyline/client.h"

namespace storyline::eval {

struct SpellingOptions {
  std::string corpus_path;  // the indexed corpus (--corpus)
  int typos = 500;          // typos to test
  uint32_t seed = 42;       // of the typos
  bool json = false;        // one JSON object instead of text
};

// Words as the indexer sees them, lower-cased: runs of ASCII letters, with
// an apostrophe between letters kept inside the word ("O'Leary" is one
// word, not "o" and "leary").
std::vector<std::string> WordsOf(const std::string& text);

// Prints the summary (and, as text, up to ten misses); returns the exit
// code (0, or 1 if any typo's call failed).
int RunSpelling(Client& client, const SpellingOptions& options);

}  // namespace storyline::eval

#endif  // STORYLINE_BENCH_EVAL_SPELLING_MODE_H_
