#include "index/semantic_space.h"

#include <pthread.h>

#include <utility>

#include "absl/time/clock.h"
#include "spdlog/spdlog.h"

namespace storyline::index {

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
  return BuildInfo{.built_at = built_at_, .build_time = last_build_time_};
}

absl::Status SemanticSpace::Refresh() {
  absl::MutexLock build_lock(&build_mu_);
  try {
    Xapian::Database db(options_.index_dir);
    const std::string signature = LsaModel::Signature(db);
    if (std::shared_ptr<const LsaModel> current = Current();
        current != nullptr && current->signature() == signature) {
      return absl::OkStatus();
    }
    spdlog::info("semantic model: building over {} articles", db.get_doccount());
    const absl::Time start = absl::Now();
    LsaOptions lsa = options_.lsa;
    lsa.cancelled = &cancelled_;
    absl::StatusOr<std::shared_ptr<const LsaModel>> built = LsaModel::Build(db, lsa);
    if (!built.ok()) return built.status();
    const absl::Duration took = absl::Now() - start;
    spdlog::info("semantic model: rank {} over {} articles and {} words, built in {:.2f}s",
                 (*built)->rank(), (*built)->document_count(), (*built)->term_count(),
                 absl::ToDoubleSeconds(took));
    absl::MutexLock lock(&mu_);
    model_ = *std::move(built);
    last_build_time_ = took;
    built_at_ = absl::Now();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError("semantic model: cannot read the index: " + e.get_msg());
  }
}

void SemanticSpace::Loop() {
  pthread_setname_np(pthread_self(), "sl-semantic");
  std::string last_seen;
  std::string failed;  // a signature whose build failed: not retried until it changes
  absl::Time last_build = absl::InfinitePast();
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.check_interval)) return;
    }
    std::string signature;
    try {
      Xapian::Database db(options_.index_dir);
      signature = LsaModel::Signature(db);
    } catch (const Xapian::Error&) {
      continue;  // no index yet
    }
    std::shared_ptr<const LsaModel> current = Current();
    if ((current != nullptr && current->signature() == signature) || signature == failed) {
      last_seen = signature;
      continue;
    }
    absl::Duration min_age;
    {
      absl::MutexLock lock(&mu_);
      min_age = std::max(options_.min_rebuild_interval, 10 * last_build_time_);
    }
    const bool quiet = signature == last_seen;
    last_seen = signature;
    if (!quiet && absl::Now() - last_build < min_age) continue;
    if (absl::Status s = Refresh(); !s.ok()) {
      spdlog::debug("semantic model not built: {}", std::string(s.message()));
      failed = signature;
    }
    last_build = absl::Now();
  }
}

}  // namespace storyline::index
