// The steps before any storyline-eval measurement, and all of --mode=ready:
// ingest the corpus through the server (--ingest), then wait for the
// server's semantic model to cover the index.
#ifndef STORYLINE_BENCH_EVAL_READY_MODE_H_
#define STORYLINE_BENCH_EVAL_READY_MODE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "storyline/client.h"

namespace storyline::eval {

// Streams every article of the JSONL file at `corpus_path` through
// IndexArticles (blank and malformed lines skipped) and prints
// "ingested N articles (R rejected) in S s" to stderr. Returns the stream's
// error, if it failed.
absl::Status IngestCorpus(Client& client, const std::string& corpus_path);

// Polls GetIndexStats until the semantic model covers every article, or
// until `timeout` passes (then says so on stderr and returns). A failed
// GetIndexStats ends the wait too.
void WaitForSemanticModel(Client& client, absl::Duration timeout);

}  // namespace storyline::eval

#endif  // STORYLINE_BENCH_EVAL_READY_MODE_H_
