// The checkpoint of a `storyline ingest FILE` run: which input file, as it
// was (size and modification time), and the last line the server has
// acknowledged as committed. Written after every acknowledgement, removed
// when the ingest finishes, read by `storyline ingest FILE --resume`.
//
// Thread-safety: free functions; callers serialize writes to one file.
#ifndef STORYLINE_CLIENT_CLI_INGEST_CHECKPOINT_H_
#define STORYLINE_CLIENT_CLI_INGEST_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace storyline::cli {

struct IngestCheckpoint {
  std::string path;  // absolute path of the input
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t line = 0;  // every line <= this one is committed (or was rejected)
};

// "<file name>.ingest-checkpoint" in the current directory.
std::string DefaultCheckpointPath(const std::string& input);

// The checkpoint of `input` as it is now, at line 0. kNotFound if missing.
absl::StatusOr<IngestCheckpoint> DescribeInput(const std::string& input);

// Writes `checkpoint` to `file` atomically (a reader sees old or new).
absl::Status SaveCheckpoint(const std::string& file, const IngestCheckpoint& checkpoint);

// Reads `file`. kNotFound if there is none, kInvalidArgument if garbled.
absl::StatusOr<IngestCheckpoint> LoadCheckpoint(const std::string& file);

// OK if `saved` was made for `now`'s file, unchanged since; otherwise
// kFailedPrecondition saying what differs.
absl::Status CheckSameInput(const IngestCheckpoint& saved, const IngestCheckpoint& now);

}  // namespace storyline::cli

#endif  // STORYLINE_CLIENT_CLI_INGEST_CHECKPOINT_H_
