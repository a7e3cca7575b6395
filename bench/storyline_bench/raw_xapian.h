// The raw in-process Xapian ceiling for `storyline-bench ceiling`: what
// plain Xapian does with the same queries on the same index and thread
// count, with no RPC and none of Storyline's search path. Each thread opens
// its OWN Xapian::Database on the index directory's XAPIANDB stub (every
// shard), parses a query as bench/index/searcher_bench.cc's
// BM_RawXapianSearch does (English stemmer, STEM_SOME, default operator OR,
// title: -> the index's title prefix), runs get_mset(0, 10) and reads each
// hit's document data.
//
// Thread-safety: RunRawXapian starts and joins its own threads; no Xapian
// object is shared between them.
#ifndef STORYLINE_BENCH_STORYLINE_BENCH_RAW_XAPIAN_H_
#define STORYLINE_BENCH_STORYLINE_BENCH_RAW_XAPIAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/storyline_bench/histogram.h"

namespace storyline::bench {

struct RawXapianOptions {
  std::string index_dir;  // the server's --index_dir
  int threads = 1;
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(1);
};

struct RawXapianResult {
  LatencyHistogram latency;  // per query, timed window only
  uint64_t queries = 0;
  uint64_t hits = 0;               // documents returned, summed over queries
  uint64_t queries_with_hits = 0;  // queries that matched something
  double seconds = 0;
  double QueriesPerSecond() const { return seconds > 0 ? queries / seconds : 0; }
};

// Runs `queries` (cycling, each thread from its own offset) for the warm-up
// and then the timed window. kNotFound if the index cannot be opened (the
// message names the path); kInvalidArgument if `queries` is empty.
absl::StatusOr<RawXapianResult> RunRawXapian(const RawXapianOptions& options,
                                             const std::vector<std::string>& queries);

}  // namespace storyline::bench

#endif  // STORYLINE_BENCH_STORYLINE_BENCH_RAW_XAPIAN_H_
