// storyline-eval --mode=search: ranked retrieval. Every query of a
// {"id","text"} JSONL file goes through Search, paged to `depth`, and is
// scored against TREC-style judgments (grade > 0 is relevant; nDCG gain =
// grade): MAP, nDCG@10, P@10, Recall@100 and MRR. Queries without a
// relevant judgment are skipped, as trec_eval does. Optionally writes a
// TREC run file.
#ifndef STORYLINE_BENCH_EVAL_SEARCH_MODE_H_
#define STORYLINE_BENCH_EVAL_SEARCH_MODE_H_

#include <string>

#include "storyline/client.h"

namespace storyline::eval {

struct SearchOptions {
  std::string queries_path;  // {"id","text"} JSONL (--queries)
  std::string qrels_path;    // query_id<TAB>doc_id<TAB>grade lines (--qrels)
  std::string run_out;       // TREC run file to write; none if empty
  int depth = 1000;          // results per query, paged with page_token
  std::string order_by;      // an OrderBy name to send; the server's default if empty
  bool explain = false;      // ask for explanations (costs time)
  bool json = false;         // one JSON object instead of a line of text
};

// Prints the summary; returns the exit code (0, 1 if any call failed, 2 if
// the queries or judgments are empty).
int RunSearch(Client& client, const SearchOptions& options);

}  // namespace storyline::eval

#endif  // STORYLINE_BENCH_EVAL_SEARCH_MODE_H_
