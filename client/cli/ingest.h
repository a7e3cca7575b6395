// `storyline ingest FILE|-`: streams a JSONL file of articles (one proto3
// JSON Article per line) to IngestArticles, which acknowledges the position
// committed through about once a second. The last acknowledged line is kept
// in a checkpoint file, so after a failure `ingest FILE --resume` sends only
// the rest.
//
// Lines are read and parsed lazily on a reader thread, so the file is never
// held in memory and JSON parsing overlaps with the gRPC stream. Malformed
// lines are not sent. At the end, every line that was not indexed is
// reported on stderr in line order, as "line N: reason" (malformed) or
// "line N (id X): reason" (rejected by the server), and the summary, the
// command's result, goes to stdout.
//
// Thread-safety: RunIngest is meant to be called once, from main.
#ifndef STORYLINE_CLIENT_CLI_INGEST_H_
#define STORYLINE_CLIENT_CLI_INGEST_H_

#include <string>

#include "client/cli/output.h"
#include "storyline/client.h"

namespace storyline::cli {

struct IngestFlags {
  // JSONL file to read; "-" reads stdin.
  std::string path;
  // --progress forces the progress bar on, --no-progress off; by default it
  // is shown when stderr is a terminal.
  bool progress = false;
  bool no_progress = false;
  // Skip the lines a previous, interrupted run got committed (per its
  // checkpoint file), and go on from there. Not for stdin.
  bool resume = false;
  // Where the checkpoint lives; "" = "<file name>.ingest-checkpoint" in the
  // current directory. Written after every server acknowledgement, removed
  // when the ingest finishes.
  std::string checkpoint;
  // Skip JSON fields that Article lacks instead of rejecting the line.
  bool ignore_unknown_fields = false;
};

// Runs the ingest and prints the summary. Returns kExitOk if every line was
// indexed, kExitRejected if any line was malformed, rejected by the server or
// could not be read, kExitUsage if the file cannot be opened and kExitRpc if
// the stream failed.
int RunIngest(Client& client, const GlobalFlags& global, const IngestFlags& flags);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_INGEST_H_
