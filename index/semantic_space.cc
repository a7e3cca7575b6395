#include "index/semantic_space.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "index/lsa_file.h"
#include "spdlog/spdlog.h"

namespace storyline::index {
namespace {

// The stamp a model records, or a blank one (foreign to every index) when
// its provenance is not a stamp.
IndexStamp StampOf(const LsaModel& model) {
  return IndexStamp::FromText(model.provenance()).value_or(IndexStamp{});
}

absl::Time BuiltAt(const LsaModel& model) {
  return absl::FromUnixMillis(model.image().header().built_at_unix_ms);
}

absl::Duration BuildTime(const LsaModel& model) {
  return absl::Milliseconds(model.image().header().build_ms);
}

// Makes the calling thread run only on CPU time nothing else wants
// (SCHED_IDLE), or failing that at nice 19.
void RunWhenIdle() {
  const sched_param param{};
  if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &param) == 0) return;
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19) != 0) {
    spdlog::warn(
        "semantic model: could not lower the build thread's priority; rebuilds will "
        "compete with queries");
  }
}

}  // namespace

bool RebuildDue(const SemanticSpaceOptions& options, const ModelDrift& drift, bool quiet,
                absl::Duration age, absl::Duration last_build_time) {
  if (drift.fit == ModelDrift::kCurrent) return false;
  const absl::Duration settle_age = std::max(options.min_rebuild_interval, 10 * last_build_time);
  if (drift.fit == ModelDrift::kForeign || drift.share >= options.rebuild_share) {
    return quiet || age >= settle_age;
  }
  return quiet && age >= settle_age;
}

SemanticSpace::SemanticSpace(SemanticSpaceOptions options) : options_(std::move(options)) {
  if (options_.background) thread_ = std::thread([this] { Loop(); });
}

SemanticSpace::~SemanticSpace() { Stop(); }

void SemanticSpace::Stop() {
  cancelled_ = true;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const LsaModel> SemanticSpace::Current() const {
  absl::MutexLock lock(&mu_);
  return model_;
}

std::optional<SemanticSpace::BuildInfo> SemanticSpace::LastBuild() const {
  absl::MutexLock lock(&mu_);
  if (model_ == nullptr) return std::nullopt;
  return BuildInfo{.built_at = BuiltAt(*model_),
                   .build_time = BuildTime(*model_),
                   .memory_bytes = model_->memory_bytes(),
                   .rank = model_->rank()};
}

void SemanticSpace::Publish(std::shared_ptr<const LsaModel> model) {
  IndexStamp stamp = StampOf(*model);
  absl::MutexLock lock(&mu_);
  model_ = std::move(model);
  model_stamp_ = std::move(stamp);
}

absl::Status SemanticSpace::LoadSaved() {
  if (options_.model_file.empty()) return absl::OkStatus();
  absl::MutexLock build_lock(&build_mu_);  // never over a model a build just published
  const absl::Time start = absl::Now();
  absl::StatusOr<StampedDatabase> index = OpenStamped(options_.index_dir);
  if (!index.ok()) return index.status();
  absl::StatusOr<std::shared_ptr<const LsaModel>> loaded = LoadLsaModel(options_.model_file);
  if (!loaded.ok()) {
    // A new index has no model yet, and needs none below 8 articles.
    const bool expected = absl::IsNotFound(loaded.status()) && index->stamp.documents < 8;
    if (!expected) {
      spdlog::warn("semantic model not loaded ({}); building one in the background",
                   std::string(loaded.status().message()));
    }
    return loaded.status();
  }
  const ModelDrift drift = DriftOf(StampOf(**loaded), index->stamp);
  if (drift.fit == ModelDrift::kForeign) {
    spdlog::warn(
        "semantic model {} is of another index or an older copy of it; rebuilding it "
        "in the background",
        options_.model_file);
    return absl::FailedPreconditionError("the saved semantic model is of another index");
  }
  spdlog::info("semantic model: loaded {} ({} articles, rank {}, {:.0f} MiB) in {:.2f}s",
               options_.model_file, (*loaded)->document_count(), (*loaded)->rank(),
               static_cast<double>((*loaded)->memory_bytes()) / (1 << 20),
               absl::ToDoubleSeconds(absl::Now() - start));
  if (drift.fit == ModelDrift::kBehind) {
    spdlog::warn(
        "semantic model is behind the index ({} articles added, {} removed since it was "
        "built): serving it, newer articles folded in, until a rebuild (RebuildDue)",
        drift.added, drift.removed);
  }
  Publish(*std::move(loaded));
  return absl::OkStatus();
}

std::shared_ptr<const LsaModel> SemanticSpace::Persist(std::shared_ptr<const LsaModel> built) {
  if (options_.model_file.empty()) return built;
  if (absl::Status s = SaveLsaModel(*built, options_.model_file); !s.ok()) {
    spdlog::warn("semantic model not saved ({}); the next start rebuilds it",
                 std::string(s.message()));
    return built;
  }
  // Mapping it back checks the checksums again (0.14 s at 1M): what is
  // served is what the next start will read.
  absl::StatusOr<std::shared_ptr<const LsaModel>> mapped = LoadLsaModel(options_.model_file);
  if (!mapped.ok()) {
    spdlog::warn("semantic model saved but not read back ({})",
                 std::string(mapped.status().message()));
    return built;
  }
  return *std::move(mapped);
}

absl::Status SemanticSpace::Refresh() {
  absl::MutexLock build_lock(&build_mu_);
  absl::StatusOr<StampedDatabase> index = OpenStamped(options_.index_dir);
  if (!index.ok()) return index.status();
  {
    absl::MutexLock lock(&mu_);
    if (model_ != nullptr && model_stamp_ == index->stamp) return absl::OkStatus();
  }
  spdlog::info("semantic model: building over {} articles", index->stamp.documents);
  LsaOptions lsa = options_.lsa;
  lsa.cancelled = &cancelled_;
  lsa.provenance = index->stamp.ToText();
  absl::StatusOr<std::shared_ptr<const LsaModel>> built;
  try {
    built = LsaModel::Build(index->db, lsa);
  } catch (const Xapian::DatabaseModifiedError& e) {
    // Commits went past the revision being read (an ingest in progress):
    // not a fault, the next check builds over the newer index.
    return absl::AbortedError("the index changed during the build (" + e.get_msg() +
                              "); it is built again at a later check");
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError("semantic model: cannot read the index: " + e.get_msg());
  }
  if (!built.ok()) return built.status();
  spdlog::info(
      "semantic model: rank {} over {} articles and {} words ({:.0f} MiB), built in "
      "{:.2f}s",
      (*built)->rank(), (*built)->document_count(), (*built)->term_count(),
      static_cast<double>((*built)->memory_bytes()) / (1 << 20),
      absl::ToDoubleSeconds(BuildTime(**built)));
  Publish(Persist(*std::move(built)));
  return absl::OkStatus();
}

void SemanticSpace::Check(std::optional<IndexStamp>* last_seen, std::optional<IndexStamp>* failed) {
  absl::StatusOr<StampedDatabase> index = OpenStamped(options_.index_dir);
  if (!index.ok()) return;  // no index yet
  const IndexStamp& stamp = index->stamp;
  const bool quiet = *last_seen == stamp;
  *last_seen = stamp;
  if (*failed == stamp) return;
  ModelDrift drift;  // kForeign: no model yet
  absl::Duration age = absl::InfiniteDuration(), build_time;
  {
    absl::MutexLock lock(&mu_);
    if (model_ != nullptr) {
      drift = DriftOf(model_stamp_, stamp);
      age = absl::Now() - BuiltAt(*model_);
      build_time = BuildTime(*model_);
    }
  }
  if (!RebuildDue(options_, drift, quiet, age, build_time)) return;
  if (absl::Status s = Refresh(); !s.ok()) {
    // Too few articles is the normal state of a new index; anything else
    // leaves the service without (or with an old) model: say so.
    if (s.code() == absl::StatusCode::kFailedPrecondition ||
        s.code() == absl::StatusCode::kAborted) {
      spdlog::info("semantic model not built: {}", std::string(s.message()));
    } else if (s.code() != absl::StatusCode::kCancelled) {
      spdlog::error("semantic model not built: {}", std::string(s.message()));
    }
    *failed = stamp;
  }
}

void SemanticSpace::Loop() {
  pthread_setname_np(pthread_self(), "sl-semantic");
  if (options_.idle_priority) RunWhenIdle();
  (void)LoadSaved();  // logs why not
  std::optional<IndexStamp> last_seen, failed;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.check_interval)) return;
    }
    Check(&last_seen, &failed);
  }
}

}  // namespace storyline::index
