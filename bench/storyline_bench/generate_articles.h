// Makes one article of a generated corpus from a SourceCorpus: a real
// article's topic, length and publisher as the pattern, a body of that
// topic's sentences (with a few from other topics), a title recombined from
// the topic's real titles, and a publish time in a range. Each article is a
// function of (seed, index, attempt) alone, so a corpus is reproducible and
// could be made in any order or on any number of threads.
//
// Thread-safety: Make is const and uses no shared mutable state.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_ARTICLES_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_ARTICLES_H_

#include <cstdint>
#include <string>

#include "bench/storyline_bench/generate_source.h"

namespace storyline::bench {

struct GeneratedArticle {
  std::string id;
  std::string title;
  std::string body;
  std::string topic;
  std::string source;
  int64_t publish_seconds = 0;  // Unix seconds, UTC
};

struct GeneratorOptions {
  uint64_t seed = 1;
  // Publish times are drawn uniformly from [from_seconds, to_seconds].
  int64_t from_seconds = 0;
  int64_t to_seconds = 0;
};

class ArticleGenerator {
 public:
  // `corpus` must outlive the generator and hold at least one pattern.
  ArticleGenerator(const SourceCorpus& corpus, GeneratorOptions options);

  // Article number `index` (0-based). A caller that needs distinct bodies
  // asks again with attempt 1, 2, ...: each attempt draws afresh and adds
  // one sentence to the body, so repeats soon stop.
  GeneratedArticle Make(uint64_t index, uint32_t attempt = 0) const;

 private:
  const SourceCorpus& corpus_;
  GeneratorOptions options_;
};

// The id of article `index`: "gen<seed>-<index + 1, 8 digits>", so corpora
// made with different seeds can share an index.
std::string GeneratedArticleId(uint64_t seed, uint64_t index);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_ARTICLES_H_
