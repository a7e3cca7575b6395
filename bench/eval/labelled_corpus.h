// The labelled JSONL corpora storyline-eval measures against: each
// article's id and `topic` label, and optionally its text.
//
// Thread-safety: free functions without shared state.
#ifndef STORYLINE_BENCH_EVAL_LABELLED_CORPUS_H_
#define STORYLINE_BENCH_EVAL_LABELLED_CORPUS_H_

#include <string>
#include <vector>

namespace storyline::eval {

struct Labelled {
  std::string id, topic, text;
};

// The articles of the JSONL file at `path` that have a topic, in file
// order; `text` is "title\n\nbody" when `keep_text`, else empty. Blank and
// malformed lines, and a file that cannot be read, give nothing.
std::vector<Labelled> LoadLabelled(const std::string& path, bool keep_text);

}  // namespace storyline::eval

#endif  // STORYLINE_BENCH_EVAL_LABELLED_CORPUS_H_
