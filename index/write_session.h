// WriteSession follows one caller's writes (an ingest stream, a delete
// call) across the shards of a WritePipeline, so that its commit can tell
// whether everything it wrote survived until then.
//
// A writer that fails loses its uncommitted changes and, once recovered,
// starts a new generation (IndexWriter::generation()). A session remembers
// the generation each shard had at its first write there; if it differs at
// commit time, or a write failed for a reason other than the article, the
// session failed and its caller must resend.
//
// Thread-safety: thread-safe; shared by the writer threads through a
// shared_ptr.
#ifndef STORYLINE_INDEX_WRITE_SESSION_H_
#define STORYLINE_INDEX_WRITE_SESSION_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "index/index_writer.h"

namespace storyline::index {

class WriteSession {
 public:
  // On a writer thread, after a write through `writer`: records its
  // generation the first time. A failure that is not the data's fault
  // (anything but kInvalidArgument) fails the session.
  void Wrote(const IndexWriter& writer, const absl::Status& result) {
    absl::MutexLock lock(&mu_);
    generations_.try_emplace(&writer, writer.generation());
    if (!result.ok() && result.code() != absl::StatusCode::kInvalidArgument && failure_.ok()) {
      failure_ = result;
    }
  }

  // A WritePipeline::CommitCheck: fails if `writer` lost this session's
  // uncommitted writes to a failure since they were made.
  absl::Status CheckCommitted(const IndexWriter& writer) const {
    absl::MutexLock lock(&mu_);
    const auto it = generations_.find(&writer);
    if (it == generations_.end() || it->second == writer.generation()) return absl::OkStatus();
    return absl::UnavailableError(
        "the index writer of " + writer.dir() +
        " failed and recovered while this call was writing; some of its writes were lost; "
        "send them again");
  }

  // The first writer failure a write saw (OK if none).
  absl::Status failure() const {
    absl::MutexLock lock(&mu_);
    return failure_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<const IndexWriter*, uint64_t> generations_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_WRITE_SESSION_H_
