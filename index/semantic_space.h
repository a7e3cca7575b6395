// SemanticSpace keeps an LsaModel (index/lsa.h) of an index up to date in
// the background, so requests never wait for one to be built.
//
// A thread checks the index every `check_interval`. When its contents have
// changed and then stayed unchanged for one interval (an ingest finished),
// or changed and the model is older than max(min_rebuild_interval, 10x the
// last build time) (a long ingest is running), it builds a new model on its
// own Database and swaps it in. Readers keep the model they took until
// they drop it; documents added since the build are folded in on demand.
//
// Thread-safety: Current() and Refresh() are thread-safe.
#ifndef STORYLINE_INDEX_SEMANTIC_SPACE_H_
#define STORYLINE_INDEX_SEMANTIC_SPACE_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "index/lsa.h"

namespace storyline::index {

struct SemanticSpaceOptions {
  std::string index_dir;
  LsaOptions lsa;
  absl::Duration check_interval = absl::Seconds(2);
  absl::Duration min_rebuild_interval = absl::Seconds(30);
  // Start the background thread (false: only Refresh() builds).
  bool background = true;
};

class SemanticSpace {
 public:
  explicit SemanticSpace(SemanticSpaceOptions options);
  ~SemanticSpace();

  SemanticSpace(const SemanticSpace&) = delete;
  SemanticSpace& operator=(const SemanticSpace&) = delete;

  // The latest model, or null before the first one is built (or when the
  // index is too small for one).
  std::shared_ptr<const LsaModel> Current() const ABSL_LOCKS_EXCLUDED(mu_);

  // Builds a model of the index as it is now, on the calling thread, unless
  // the current one already matches it. kCancelled after Stop().
  absl::Status Refresh() ABSL_LOCKS_EXCLUDED(build_mu_);

  // Cancels a build in progress (it stops at its next check, well under a
  // second) and the background thread; Current() keeps answering. Called
  // first thing at shutdown, so a long build never eats the grace period.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);
  struct BuildInfo {
    absl::Time built_at;
    absl::Duration build_time;
  };
  // When the current model was built and how long that took; nullopt
  // before the first one (for metrics).
  std::optional<BuildInfo> LastBuild() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop();

  const SemanticSpaceOptions options_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const LsaModel> model_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration last_build_time_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  absl::Time built_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Mutex build_mu_;  // one build at a time
  std::atomic<bool> cancelled_{false};
  std::thread thread_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SEMANTIC_SPACE_H_
