// The material `storyline-bench generate` builds articles from: the
// sentences, titles, sources and body lengths of a folder of real
// articles (the JSONL format of common/article_jsonl.h), grouped by topic.
//
// Thread-safety: a loaded SourceCorpus is immutable, so any number of
// threads may read it.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_SOURCE_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace storyline::bench {

// The sentences and titles of one topic of one source folder.
struct TopicPool {
  // The articles' `topic`, or for articles without one the name of the
  // folder holding their file ("cranfield").
  std::string topic;
  std::vector<std::string> sentences;
  std::vector<std::string> titles;
};

// One real article, as a pattern for a generated one: its topic pool, how
// many sentences its body kept, and its publisher.
struct ArticlePattern {
  uint32_t pool = 0;
  uint32_t sentences = 0;
  uint32_t source = 0;  // index into SourceCorpus::sources
};

struct SourceCorpus {
  std::vector<TopicPool> pools;
  std::vector<ArticlePattern> patterns;  // one per usable article, in file order
  // Distinct publishers: the articles' `source`, or their folder's name.
  std::vector<std::string> sources;
  int64_t articles_read = 0;  // valid lines read, usable or not
  int64_t sentences = 0;      // over all pools
};

// Reads every *.jsonl file under `path` (a folder, searched recursively in
// path order, or one file). An article is usable when at least one
// sentence of its body reads as prose (see SplitSentences). Fails with
// kNotFound if `path` does not exist, kInvalidArgument if it holds no
// usable article, kUnavailable if a file cannot be read.
absl::StatusOr<SourceCorpus> LoadSourceCorpus(absl::string_view path);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_GENERATE_SOURCE_H_
