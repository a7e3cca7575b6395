// storyline-eval --mode=recommend: how well Recommend stays on a reader's
// topic. Each of `histories` histories is `history_length` distinct
// articles of one topic (the topic drawn uniformly from the corpus's
// topics, the articles uniformly from that topic, fixed seed); Recommend
// is asked for the top `k` with diversity 0, and the figure is the share of
// the returned articles that carry the history's topic, averaged over the
// histories. Also the calls' latency p50/p99.
#ifndef STORYLINE_BENCH_EVAL_RECOMMEND_MODE_H_
#define STORYLINE_BENCH_EVAL_RECOMMEND_MODE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/eval/labelled_corpus.h"
#include "storyline/client.h"

namespace storyline::eval {

struct RecommendOptions {
  std::string corpus_path;  // the indexed, labelled corpus (--corpus)
  int histories = 300;      // histories to ask with
  int history_length = 5;   // articles a history
  uint32_t seed = 7;        // of the histories
  int k = 10;               // page_size of each request
  bool json = false;        // one JSON object instead of a line of text
};

// `count` histories of `length` distinct article ids, each from one topic
// with at least `length` articles (chosen uniformly among those topics),
// drawn with `seed`; empty if no topic has `length` articles.
std::vector<std::vector<std::string>> DrawHistories(const std::vector<Labelled>& corpus, int count,
                                                    int length, uint32_t seed);

// Prints the summary; returns the exit code (0, 1 if any call failed, 2 if
// no topic has enough articles for a history or an option is out of range).
int RunRecommend(Client& client, const RecommendOptions& options);

}  // namespace storyline::eval

#endif  // STORYLINE_BENCH_EVAL_RECOMMEND_MODE_H_
