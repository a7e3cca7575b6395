// SemanticSpace keeps an LsaModel (index/lsa.h) of an index up to date in
// the background, so requests never wait for one to be built.
//
// At start-up the background thread maps the model saved beside the index
// (index/lsa_file.h), so a restart serves it at once. A missing, damaged or
// foreign file (another version, another index) is logged as a warning and
// rebuilt. Every `check_interval` the thread compares the index's stamp
// (index/index_stamp.h) with the model's. Articles added since the build
// are folded in on demand; a rebuild (RebuildDue) happens when:
//   - there is no usable model, or the articles added or removed since the
//     build reach `rebuild_share` of the index: as soon as the index has
//     been quiet for one check, or while a long ingest runs once the model
//     is older than max(min_rebuild_interval, 10x the last build);
//   - anything else changed (including updated articles, which keep their
//     old vectors): once the index is quiet and the model is older than
//     max(min_rebuild_interval, 10x the last build), which keeps rebuilds
//     under a tenth of one core however large the index grows.
// The thread runs under SCHED_IDLE (`idle_priority`), so a rebuild takes
// only the CPU queries leave: on a saturated server it waits, and the old
// model keeps serving with new articles folded in. Each new model is saved, then mapped back from
// its file, and swapped in; readers keep the model they took until they drop it.
//
// Thread-safety: Current(), LastBuild() and Refresh() are thread-safe.
#ifndef STORYLINE_INDEX_SEMANTIC_SPACE_H_
#define STORYLINE_INDEX_SEMANTIC_SPACE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "index/index_stamp.h"
#include "index/lsa.h"

namespace storyline::index {

struct SemanticSpaceOptions {
  std::string index_dir = {};
  LsaOptions lsa = {};
  // Where the model is saved and loaded from; empty: kept in memory only.
  std::string model_file = {};
  absl::Duration check_interval = absl::Seconds(2);
  absl::Duration min_rebuild_interval = absl::Seconds(30);
  // Articles added or removed since the build, as a share of the index,
  // that make a rebuild due as soon as the index is quiet.
  double rebuild_share = 0.1;
  // Run the background thread (loads and rebuilds) under SCHED_IDLE: only
  // on CPU time queries leave.
  bool idle_priority = true;
  // Start the background thread (false: only LoadSaved() and Refresh()).
  bool background = true;
};

// Whether a model with `drift` should be rebuilt now: `quiet` if the index
// did not change over the last check, `age` since the model was built.
bool RebuildDue(const SemanticSpaceOptions& options, const ModelDrift& drift, bool quiet,
                absl::Duration age, absl::Duration last_build_time);

class SemanticSpace {
 public:
  explicit SemanticSpace(SemanticSpaceOptions options);
  ~SemanticSpace();

  SemanticSpace(const SemanticSpace&) = delete;
  SemanticSpace& operator=(const SemanticSpace&) = delete;

  // The latest model, or null before the first one is loaded or built (or
  // when the index is too small for one).
  std::shared_ptr<const LsaModel> Current() const ABSL_LOCKS_EXCLUDED(mu_);

  // Maps the saved model (options.model_file) and makes it current unless
  // it is of another index; logs why not at warning level. The background
  // thread calls it first thing.
  absl::Status LoadSaved() ABSL_LOCKS_EXCLUDED(mu_, build_mu_);

  // Builds a model of the index as it is now, on the calling thread, unless
  // the current one already matches it; saves it when persisting.
  // kCancelled after Stop().
  absl::Status Refresh() ABSL_LOCKS_EXCLUDED(build_mu_);

  // Cancels a build in progress (it stops at its next check, well under a
  // second) and the background thread; Current() keeps answering. Called
  // first thing at shutdown, so a long build never eats the grace period.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);
  struct BuildInfo {
    absl::Time built_at;
    absl::Duration build_time;
    uint64_t memory_bytes = 0;  // LsaModel::memory_bytes
    int rank = 0;
  };
  // When the current model was built, how long that took, and its size;
  // nullopt before the first one (for metrics).
  std::optional<BuildInfo> LastBuild() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Loop();
  // One check of the index: rebuilds if RebuildDue says so.
  void Check(std::optional<IndexStamp>* last_seen, std::optional<IndexStamp>* failed);
  // Makes `model` current; its stamp comes from its provenance.
  void Publish(std::shared_ptr<const LsaModel> model) ABSL_LOCKS_EXCLUDED(mu_);
  // The model of `built` as served: saved and mapped back from its file
  // when persisting, else `built` itself.
  std::shared_ptr<const LsaModel> Persist(std::shared_ptr<const LsaModel> built);

  const SemanticSpaceOptions options_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const LsaModel> model_ ABSL_GUARDED_BY(mu_);
  IndexStamp model_stamp_ ABSL_GUARDED_BY(mu_);  // of the index model_ was built from
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Mutex build_mu_;  // one build at a time
  std::atomic<bool> cancelled_{false};
  std::thread thread_;
};

}  // namespace storyline::index

#endif  // STORYLINE_INDEX_SEMANTIC_SPACE_H_
