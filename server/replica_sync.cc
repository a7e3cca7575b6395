#include "server/replica_sync.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/timestamp.h"
#include "index/index_layout.h"
#include "index/replica_layout.h"
#include "server/child_process.h"
#include "server/replication.h"

namespace storyline::server {
namespace {

namespace fs = std::filesystem;

constexpr char kStoryService[] = "storyline.v1.StoryService";
constexpr char kReplicaStubMark[] = "# Storyline read replica";

std::string ShardName(int i) { return absl::StrFormat("shard-%02d", i); }

// The shard names of a copy made by an earlier run (its stub), none when
// `dir` has no stub; kInvalidArgument when the stub is a writer's.
absl::StatusOr<std::vector<std::string>> ExistingCopy(const std::string& dir) {
  std::ifstream stub(fs::path(dir) / "XAPIANDB");
  if (!stub) return std::vector<std::string>();
  std::string first;
  std::getline(stub, first);
  if (!absl::StartsWith(first, kReplicaStubMark)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--index_dir ", dir,
                     " holds a writer's index; a read replica needs a directory of its own "
                     "(an empty one, or one an earlier replica filled)"));
  }
  ASSIGN_OR_RETURN(const std::vector<std::string> paths, index::ShardDirs(dir));
  std::vector<std::string> names;
  for (const std::string& path : paths) names.push_back(fs::path(path).filename().string());
  return names;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ReplicaSync>> ReplicaSync::Start(ReplicaSyncOptions options) {
  ASSIGN_OR_RETURN(const ReplicationAddress writer,
                   ParseReplicationAddress(options.writer, "--replicate_from"));
  std::error_code ec;
  fs::create_directories(options.index_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create ", options.index_dir, ": ", ec.message()));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> shards, ExistingCopy(options.index_dir));
  std::unique_ptr<ReplicaSync> sync(new ReplicaSync(std::move(options), writer, std::move(shards)));
  sync->thread_ = std::thread([s = sync.get()] { s->Loop(); });
  return sync;
}

ReplicaSync::ReplicaSync(ReplicaSyncOptions options, const ReplicationAddress& writer,
                         std::vector<std::string> shards)
    : options_(std::move(options)),
      host_(writer.host.empty() ? "localhost" : writer.host),
      port_(std::to_string(writer.port)),
      shards_(std::move(shards)) {
  state_.writer = options_.writer;
  state_.has_copy = !shards_.empty();
  if (state_.has_copy) {
    spdlog::info("replica {} serves its last copy ({} shards) until it reaches {}",
                 options_.index_dir, shards_.size(), options_.writer);
  } else {
    spdlog::info("replica {} has no copy yet: NOT_SERVING until its first copy from {}",
                 options_.index_dir, options_.writer);
  }
}

ReplicaSync::~ReplicaSync() {
  stop_.Notify();
  thread_.join();
  absl::MutexLock lock(&mu_);
  monitor_.reset();
}

void ReplicaSync::ServeHealth(grpc::HealthCheckServiceInterface* health) {
  absl::MutexLock lock(&mu_);
  health_ = health;
  if (state_.has_copy) {
    StartServingLocked();
  } else {
    health_->SetServingStatus(kStoryService, false);
  }
}

void ReplicaSync::StartServingLocked() {
  if (health_ == nullptr || monitor_ != nullptr) return;
  health_->SetServingStatus(kStoryService, true);
  monitor_ = std::make_unique<HealthMonitor>(options_.index_dir, health_);
}

ReplicaState ReplicaSync::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

absl::Status ReplicaSync::SyncShard(const std::string& name) {
  const std::vector<std::string> argv = {
      options_.program, "--one-shot", "--quiet", "--host", host_, "--port", port_, "--master", name,
      // Readers reopen before every request, so changesets need not wait.
      "--reader-time=0",
      absl::StrCat("--timeout=",
                   std::max<int64_t>(1, absl::ToInt64Seconds(options_.shard_timeout))),
      (fs::path(options_.index_dir) / name).string()};
  ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Start(argv));
  const absl::Time give_up = absl::Now() + options_.shard_timeout;
  std::optional<int> code;
  while (!(code = child.WaitFor(absl::Milliseconds(20)))) {
    if (stop_.HasBeenNotified()) return absl::CancelledError("replica stopping");
    if (absl::Now() > give_up) {
      return absl::DeadlineExceededError(
          absl::StrCat("copying ", name, " from ", options_.writer, " took over ",
                       absl::FormatDuration(options_.shard_timeout), "; killed"));
    }
  }
  if (*code != 0) {
    return absl::UnavailableError(absl::StrCat(options_.program, " of ", name, " from ",
                                               options_.writer, " failed (exit code ", *code,
                                               "; its error is in the log above)"));
  }
  return absl::OkStatus();
}

absl::Status ReplicaSync::SyncRound() {
  bool first_synced = false;
  if (shards_.empty()) {
    RETURN_IF_ERROR(SyncShard(ShardName(0)));
    first_synced = true;
    ASSIGN_OR_RETURN(const int count,
                     index::RecordedShardCount((fs::path(options_.index_dir) / ShardName(0))));
    for (int i = 0; i < count; ++i) shards_.push_back(ShardName(i));
  }
  for (size_t i = first_synced ? 1 : 0; i < shards_.size(); ++i) {
    RETURN_IF_ERROR(SyncShard(shards_[i]));
  }
  absl::MutexLock lock(&mu_);
  if (!state_.has_copy) {
    RETURN_IF_ERROR(index::PublishReplicaStub(options_.index_dir, shards_));
    state_.has_copy = true;
    spdlog::info("replica {} has its first full copy of {} ({} shards); serving",
                 options_.index_dir, options_.writer, shards_.size());
    StartServingLocked();
  }
  return absl::OkStatus();
}

void ReplicaSync::Record(const absl::Status& round, absl::Time started) {
  absl::MutexLock lock(&mu_);
  if (round.ok()) {
    if (state_.consecutive_failures > 0) {
      spdlog::info("replica {} reached {} again after {} failed rounds", options_.index_dir,
                   options_.writer, state_.consecutive_failures);
    }
    state_.synced_through = started;
    state_.consecutive_failures = 0;
    state_.last_error.clear();
    return;
  }
  const int failures = ++state_.consecutive_failures;
  state_.last_error = std::string(round.message());
  if ((failures & (failures - 1)) == 0) {  // 1, 2, 4, 8...: a steady reminder, not a flood
    spdlog::warn("replica {} cannot sync from {} ({} rounds failed; {}): {}", options_.index_dir,
                 options_.writer, failures,
                 state_.synced_through
                     ? absl::StrCat("behind by up to ",
                                    absl::FormatDuration(absl::Now() - *state_.synced_through))
                     : std::string(state_.has_copy ? "serving its last copy" : "no copy yet"),
                 state_.last_error);
  }
}

void ReplicaSync::Loop() {
  pthread_setname_np(pthread_self(), "sl-replica");
  absl::Duration wait = options_.interval;
  do {
    const absl::Time started = absl::Now();
    const absl::Status round = SyncRound();
    if (stop_.HasBeenNotified()) return;
    Record(round, started);
    wait = round.ok() ? options_.interval : std::min(wait * 2, options_.max_backoff);
  } while (!stop_.WaitForNotificationWithTimeout(wait));
}

void ToReplicaStatusProto(const ReplicaState& state, absl::Time now, v1::ReplicaStatus* out) {
  out->set_writer(state.writer);
  out->set_has_copy(state.has_copy);
  if (state.synced_through) {
    *out->mutable_synced_through() = common::ToTimestamp(*state.synced_through);
    out->set_lag_seconds(absl::ToDoubleSeconds(now - *state.synced_through));
  } else {
    out->set_lag_seconds(-1);
  }
  out->set_consecutive_failures(state.consecutive_failures);
  out->set_last_error(state.last_error);
}

}  // namespace storyline::server
