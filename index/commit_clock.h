// A process-wide count of the commits this process's index writers made.
// Readers of a remote index (whose reopen() is a round trip per shard) use
// it to reopen at once after a commit of their own process, so an
// acknowledged write is read back, and otherwise at most every few hundred
// milliseconds (Searcher::Refresh).
//
// Thread-safety: both functions may be called from any thread.
#ifndef STORYLINE_INDEX_COMMIT_CLOCK_H_
#define STORYLINE_INDEX_COMMIT_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace storyline::index {

namespace commit_clock_internal {
inline std::atomic<uint64_t> commits{0};
}  // namespace commit_clock_internal

// Called by IndexWriter after each commit (before it is acknowledged).
inline void NoteIndexCommit() {
  commit_clock_internal::commits.fetch_add(1, std::memory_order_release);
}

// Commits noted so far.
inline uint64_t IndexCommitsSoFar() {
  return commit_clock_internal::commits.load(std::memory_order_acquire);
}

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_COMMIT_CLOCK_H_
