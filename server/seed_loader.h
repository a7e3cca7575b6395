// Seeds an index from a JSONL file of articles (one proto3-JSON Article per
// line), used to start a fresh server on the demo corpus.
#ifndef STORYLINE_SERVER_SEED_LOADER_H_
#define STORYLINE_SERVER_SEED_LOADER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "index/write_pipeline.h"

namespace storyline::server {

struct SeedResult {
  int64_t indexed = 0;
  int64_t rejected = 0;  // each rejected line is logged with its number
};

// Reads `path`, indexes every valid line through `pipeline`, commits and
// waits for the commit. Fails with kNotFound if the file cannot be read;
// bad lines are logged and skipped.
absl::StatusOr<SeedResult> SeedFromJsonl(const std::string& path, index::WritePipeline& pipeline);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_SEED_LOADER_H_
