#include "server/admission.h"

#include <algorithm>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace storyline::server {
namespace {

constexpr char kRetryPayload[] = "type.storyline.dev/retry-after-ms";

// What a call of each class is assumed to hold its slot for until the
// limiter has seen some: the first refusals then suggest a sensible delay.
absl::Duration InitialHoldGuess(CostClass cost) {
  switch (cost) {
    case CostClass::kCheap:
      return absl::Milliseconds(2);
    case CostClass::kMedium:
      return absl::Milliseconds(20);
    case CostClass::kExpensive:
      return absl::Milliseconds(250);
  }
  return absl::Milliseconds(10);
}

int Cores(int cores) {
  if (cores > 0) return cores;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

CostClass CostOf(RpcMethod method) {
  switch (method) {
    case RpcMethod::kSearch:
    case RpcMethod::kGetArticle:
    case RpcMethod::kGetIndexStats:
      return CostClass::kCheap;
    case RpcMethod::kSimilarStories:
    case RpcMethod::kRecommend:
      return CostClass::kMedium;
    case RpcMethod::kTopicClusters:
    case RpcMethod::kIndexArticles:
    case RpcMethod::kDeleteArticles:
      return CostClass::kExpensive;
  }
  return CostClass::kExpensive;
}

const char* MethodName(RpcMethod method) {
  static constexpr const char* kNames[kRpcMethodCount] = {
      "Search",    "GetArticle",    "GetIndexStats", "SimilarStories",
      "Recommend", "TopicClusters", "IndexArticles", "DeleteArticles"};
  return kNames[static_cast<int>(method)];
}

const char* CostClassName(CostClass cost) {
  static constexpr const char* kNames[3] = {"cheap", "medium", "expensive"};
  return kNames[static_cast<int>(cost)];
}

AdmissionLimits DefaultLimits(CostClass cost, int cores) {
  const int n = Cores(cores);
  int running = 1;
  switch (cost) {
    case CostClass::kCheap:
      running = 2 * n;
      break;
    case CostClass::kMedium:
      running = n;
      break;
    case CostClass::kExpensive:
      running = std::max(1, n / 2);
      break;
  }
  return {.max_running = running, .max_waiting = running};
}

// One method's slots and queue.
class Admission::Limiter {
 public:
  Limiter(RpcMethod method, AdmissionLimits limits, const AdmissionOptions& options)
      : method_(method),
        limits_(limits),
        min_delay_(options.min_retry_delay),
        max_delay_(options.max_retry_delay),
        mean_hold_(InitialHoldGuess(CostOf(method))) {}

  absl::Status Admit(Start start) {
    const absl::Time now = absl::Now();
    {
      absl::MutexLock lock(&mu_);
      if (running_ >= limits_.max_running) {
        if (static_cast<int>(waiting_.size()) >= limits_.max_waiting) return RefuseLocked();
        waiting_.push_back({std::move(start), now});
        return absl::OkStatus();
      }
      ++running_;
      ++admitted_;
    }
    std::move(start)(Ticket(this, now, absl::ZeroDuration()));
    return absl::OkStatus();
  }

  absl::StatusOr<Ticket> TryAdmit() {
    absl::MutexLock lock(&mu_);
    if (running_ >= limits_.max_running) return RefuseLocked();
    ++running_;
    ++admitted_;
    return Ticket(this, absl::Now(), absl::ZeroDuration());
  }

  // Frees the slot a ticket admitted at `admitted` held, or hands it on.
  void Release(absl::Time admitted, bool shed) {
    const absl::Time now = absl::Now();
    Waiter next;
    {
      absl::MutexLock lock(&mu_);
      if (shed) {
        ++shed_;
      } else {
        // Exponentially weighted mean hold time: the retry delay estimate.
        mean_hold_ = 0.8 * mean_hold_ + 0.2 * (now - admitted);
      }
      if (waiting_.empty()) {
        --running_;
        return;
      }
      next = std::move(waiting_.front());
      waiting_.pop_front();
      ++admitted_;
    }
    std::move(next.start)(Ticket(this, now, now - next.queued_at));
  }

  AdmissionLimits limits() const { return limits_; }

  AdmissionStats Stats() const {
    absl::MutexLock lock(&mu_);
    return {.method = method_,
            .limits = limits_,
            .running = running_,
            .waiting = static_cast<int>(waiting_.size()),
            .rejected = rejected_,
            .shed = shed_,
            .admitted = admitted_};
  }

 private:
  struct Waiter {
    Start start;
    absl::Time queued_at;
  };

  absl::Status RefuseLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++rejected_;
    // Roughly when a queue place frees up: the calls ahead, spread over the
    // slots, each holding one for the mean hold time.
    const int ahead = static_cast<int>(waiting_.size()) + 1;
    absl::Duration delay = mean_hold_ * ahead / limits_.max_running;
    delay = std::clamp(delay, min_delay_, max_delay_);
    const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(delay, absl::Milliseconds(1)));
    absl::Status status = absl::ResourceExhaustedError(
        absl::StrCat("server busy: ", MethodName(method_), " (a ", CostClassName(CostOf(method_)),
                     " call) already has ", running_, " running and ", waiting_.size(),
                     " waiting, its limit; retry after ", ms, " ms"));
    status.SetPayload(kRetryPayload, absl::Cord(std::to_string(ms)));
    return status;
  }

  const RpcMethod method_;
  const AdmissionLimits limits_;
  const absl::Duration min_delay_;
  const absl::Duration max_delay_;
  mutable absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Waiter> waiting_ ABSL_GUARDED_BY(mu_);
  absl::Duration mean_hold_ ABSL_GUARDED_BY(mu_);
  uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t shed_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t admitted_ ABSL_GUARDED_BY(mu_) = 0;
};

Admission::Ticket::Ticket(Ticket&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)),
      admitted_(other.admitted_),
      waited_(other.waited_) {}

Admission::Ticket& Admission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    Release();
    limiter_ = std::exchange(other.limiter_, nullptr);
    admitted_ = other.admitted_;
    waited_ = other.waited_;
  }
  return *this;
}

void Admission::Ticket::Release() {
  if (Limiter* limiter = std::exchange(limiter_, nullptr)) limiter->Release(admitted_, false);
}

void Admission::Ticket::Shed() {
  if (Limiter* limiter = std::exchange(limiter_, nullptr)) limiter->Release(admitted_, true);
}

Admission::Admission(AdmissionOptions options, int cores) : options_(options) {
  for (int i = 0; i < kRpcMethodCount; ++i) {
    const auto method = static_cast<RpcMethod>(i);
    const CostClass cost = CostOf(method);
    const AdmissionLimits defaults = DefaultLimits(cost, cores);
    AdmissionLimits limits = options_.limits[static_cast<int>(cost)];
    if (limits.max_running <= 0) limits.max_running = defaults.max_running;
    if (limits.max_waiting < 0) limits.max_waiting = limits.max_running;
    limiters_[i] = std::make_unique<Limiter>(method, limits, options_);
  }
}

Admission::~Admission() = default;

absl::Status Admission::Admit(RpcMethod method, Start start) {
  return limiters_[static_cast<int>(method)]->Admit(std::move(start));
}

absl::StatusOr<Admission::Ticket> Admission::TryAdmit(RpcMethod method) {
  return limiters_[static_cast<int>(method)]->TryAdmit();
}

AdmissionLimits Admission::limits(RpcMethod method) const {
  return limiters_[static_cast<int>(method)]->limits();
}

std::vector<AdmissionStats> Admission::Stats() const {
  std::vector<AdmissionStats> stats;
  stats.reserve(kRpcMethodCount);
  for (const auto& limiter : limiters_) stats.push_back(limiter->Stats());
  return stats;
}

std::optional<absl::Duration> RetryDelay(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryPayload);  // absl::optional
  int64_t ms = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &ms)) return std::nullopt;
  return absl::Milliseconds(ms);
}

void AddRetryMetadata(const absl::Status& status, grpc::ServerContextBase* ctx) {
  if (std::optional<absl::Duration> delay = RetryDelay(status)) {
    ctx->AddTrailingMetadata("retry-after-ms", std::to_string(absl::ToInt64Milliseconds(*delay)));
  }
}

}  // namespace storyline::server
