// Integrity checks of an index directory.
//
// QuickCheck is what the server runs at start-up: cheap reads that catch a
// damaged or truncated shard before it is served (each shard opens, has a
// revision, and its first and last documents read back whole). FullCheck is
// `storyline-admin check`: Xapian's own checker over every table of every
// shard, plus a decode of every stored article.
//
// Thread-safety: free functions; each opens its own databases.
#ifndef STORYLINE_INDEX_INDEX_CHECK_H_
#define STORYLINE_INDEX_INDEX_CHECK_H_

#include <cstddef>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace storyline::index {

// OK if every shard of the index in `dir` passes the cheap checks (and when
// `dir` holds no index yet; missing shards are OpenShardWriters' to report);
// otherwise kDataLoss (or the code of the failed read) naming the shard and
// what failed, and suggesting `storyline-admin check`.
absl::Status QuickCheck(const std::string& dir);

// Whether the index in `dir` can be opened for reading now (what every
// search needs): OK, or why not (kResourceExhausted when out of file
// descriptors, kNotFound when it is gone, ...). Cheap: one open.
absl::Status ProbeReadable(const std::string& dir);

// Runs the full check, writing a report to `out`. Returns the number of
// problems found (0 = healthy); fails only if `dir` is not an index.
absl::StatusOr<size_t> FullCheck(const std::string& dir, std::ostream& out);

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_INDEX_CHECK_H_
