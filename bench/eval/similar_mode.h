// storyline-eval --mode=similar and --mode=similar-text: precision@k of
// SimilarStories on a labelled corpus. A result is a hit when its `topic`
// equals the query article's (missing results count as misses), averaged
// over a fixed-seed sample of query articles; also the calls' latency.
#ifndef STORYLINE_BENCH_EVAL_SIMILAR_MODE_H_
#define STORYLINE_BENCH_EVAL_SIMILAR_MODE_H_

#include <cstdint>
#include <string>

#include "storyline/client.h"

namespace storyline::eval {

struct SimilarOptions {
  // "similar" queries by article_id (articles of the indexed corpus);
  // "similar-text" by the text of the articles of `queries_path`.
  std::string mode = "similar";
  std::string corpus_path;   // the indexed corpus (--corpus)
  std::string queries_path;  // similar-text: the query articles (--queries)
  int sample = 1000;         // query articles (all if fewer)
  uint32_t seed = 42;        // of the sample
  int k = 10;                // results per query
  bool json = false;         // one JSON object instead of a line of text
};

// Prints the summary; returns the exit code (0, 1 if any call failed, 2 if
// there is nothing to query with).
int RunSimilar(Client& client, const SimilarOptions& options);

}  // namespace storyline::eval

#endif  // STORYLINE_BENCH_EVAL_SIMILAR_MODE_H_
