// Writes a generated corpus: `count` articles with distinct bodies, made
// one after another by an ArticleGenerator and streamed out as JSONL, so
// memory stays bounded (the corpus it is made from, plus one 64-bit hash
// per article written) however many are asked for.
//
// Thread-safety: GenerateCorpus runs on the calling thread; the
// SourceCorpus may be shared.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_RUN_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_RUN_H_

#include <cstdint>
#include <cstdio>
#include <ostream>

#include "absl/status/statusor.h"
#include "bench/storyline_bench/generate_articles.h"
#include "bench/storyline_bench/generate_source.h"

namespace storyline::bench {

struct GenerateSummary {
  int64_t articles = 0;
  int64_t bytes = 0;
  // Articles drawn again because their body repeated an earlier one.
  int64_t redraws = 0;
  double seconds = 0;
};

// Writes articles 0 .. count-1 to `out`. Article i is the first attempt of
// ArticleGenerator::Make(i, attempt) whose body no earlier article has, so
// the output depends only on the corpus, the options and `count`'s prefix
// (the first n of a larger run are the n of a smaller one). When `progress`
// is not null, writes a line to it every few seconds. Fails with
// kUnavailable if `out` cannot be written, kResourceExhausted if the corpus
// is too small to make a distinct body after many attempts.
absl::StatusOr<GenerateSummary> GenerateCorpus(const SourceCorpus& corpus,
                                               const GeneratorOptions& options, int64_t count,
                                               std::FILE* out, std::ostream* progress);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_RUN_H_
