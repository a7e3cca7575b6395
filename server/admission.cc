#include "server/admission.h"

#include <algorithm>
#include <array>
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
  // Cheap reads get a slot per core (each of their workers); the others
  // half the cores, so long requests never hold every core. Waiting calls
  // wait for one of the running ones to finish, so a queue as long as the
  // slots doubles the latency of every admitted call under overload; half
  // as long keeps that at about 1.5x (bench/README.md, "Overload").
  const int running = cost == CostClass::kCheap ? n : std::max(1, n / 2);
  return {.max_running = running, .max_waiting = DefaultWaiting(cost, running)};
}

int DefaultWaiting(CostClass cost, int max_running) {
  // A cheap call waits a fraction of a millisecond; refusing the second of
  // two at once on a one-core server would be needlessly strict.
  return cost == CostClass::kCheap ? std::max(1, max_running / 2) : max_running / 2;
}

LimiterId LimiterOf(RpcMethod method) {
  if (method == RpcMethod::kIndexArticles) return LimiterId::kIngest;
  if (method == RpcMethod::kDeleteArticles) return LimiterId::kDelete;
  switch (CostOf(method)) {
    case CostClass::kCheap:
      return LimiterId::kCheapReads;
    case CostClass::kMedium:
      return LimiterId::kMediumReads;
    case CostClass::kExpensive:
      return LimiterId::kExpensiveReads;
  }
  return LimiterId::kExpensiveReads;
}

const char* LimiterName(LimiterId limiter) {
  static constexpr const char* kNames[kLimiterCount] = {"cheap_reads", "medium_reads",
                                                        "topic_clusters", "ingest", "delete"};
  return kNames[static_cast<int>(limiter)];
}

// One limiter's slots and queue, with counters per method.
class Admission::Limiter {
 public:
  Limiter(LimiterId id, CostClass cost, AdmissionLimits limits, const AdmissionOptions& options)
      : id_(id),
        cost_(cost),
        limits_(limits),
        min_delay_(options.min_retry_delay),
        max_delay_(options.max_retry_delay),
        mean_hold_(InitialHoldGuess(cost)) {}

  absl::Status Admit(RpcMethod method, Start start) {
    const absl::Time now = absl::Now();
    {
      absl::MutexLock lock(&mu_);
      if (running_ >= limits_.max_running) {
        if (static_cast<int>(waiting_.size()) >= limits_.max_waiting) {
          return RefuseLocked(method);
        }
        waiting_.push_back({method, std::move(start), now});
        return absl::OkStatus();
      }
      ++running_;
      ++counts_[Index(method)].admitted;
    }
    std::move(start)(Ticket(this, method, now, absl::ZeroDuration()));
    return absl::OkStatus();
  }

  absl::StatusOr<Ticket> TryAdmit(RpcMethod method) {
    absl::MutexLock lock(&mu_);
    if (running_ >= limits_.max_running) return RefuseLocked(method);
    ++running_;
    ++counts_[Index(method)].admitted;
    return Ticket(this, method, absl::Now(), absl::ZeroDuration());
  }

  // Frees the slot a ticket admitted at `admitted` held, or hands it on.
  void Release(RpcMethod method, absl::Time admitted, bool shed) {
    const absl::Time now = absl::Now();
    Waiter next;
    {
      absl::MutexLock lock(&mu_);
      if (shed) {
        ++counts_[Index(method)].shed;
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
      ++counts_[Index(next.method)].admitted;
    }
    std::move(next.start)(Ticket(this, next.method, now, now - next.queued_at));
  }

  AdmissionLimits limits() const { return limits_; }

  // Adds this limiter's state, and its methods' counters, to `stats`.
  void AddStats(AdmissionStats* stats) const {
    absl::MutexLock lock(&mu_);
    stats->limiters.push_back({.id = id_,
                               .cost = cost_,
                               .limits = limits_,
                               .running = running_,
                               .waiting = static_cast<int>(waiting_.size())});
    for (int i = 0; i < kRpcMethodCount; ++i) {
      const auto method = static_cast<RpcMethod>(i);
      if (LimiterOf(method) != id_) continue;
      AdmissionStats::Method m = counts_[i];
      m.method = method;
      stats->methods.push_back(m);
    }
  }

 private:
  struct Waiter {
    RpcMethod method;
    Start start;
    absl::Time queued_at;
  };

  static int Index(RpcMethod method) { return static_cast<int>(method); }

  // "Search, GetArticle, GetIndexStats": the methods sharing this limiter.
  std::string Members() const {
    std::string out;
    for (int i = 0; i < kRpcMethodCount; ++i) {
      const auto method = static_cast<RpcMethod>(i);
      if (LimiterOf(method) == id_)
        absl::StrAppend(&out, out.empty() ? "" : ", ", MethodName(method));
    }
    return out;
  }

  absl::Status RefuseLocked(RpcMethod method) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++counts_[Index(method)].rejected;
    // Roughly when a queue place frees up: the calls ahead, spread over the
    // slots, each holding one for the mean hold time.
    const int ahead = static_cast<int>(waiting_.size()) + 1;
    absl::Duration delay = mean_hold_ * ahead / limits_.max_running;
    delay = std::clamp(delay, min_delay_, max_delay_);
    const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(delay, absl::Milliseconds(1)));
    absl::Status status = absl::ResourceExhaustedError(
        absl::StrCat("server busy: ", MethodName(method), " refused: the ", LimiterName(id_),
                     " limit (", Members(), "; ", CostClassName(cost_), ") has ", running_,
                     " running and ", waiting_.size(), " waiting; retry after ", ms, " ms"));
    status.SetPayload(kRetryPayload, absl::Cord(std::to_string(ms)));
    return status;
  }

  const LimiterId id_;
  const CostClass cost_;
  const AdmissionLimits limits_;
  const absl::Duration min_delay_;
  const absl::Duration max_delay_;
  mutable absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Waiter> waiting_ ABSL_GUARDED_BY(mu_);
  absl::Duration mean_hold_ ABSL_GUARDED_BY(mu_);
  std::array<AdmissionStats::Method, kRpcMethodCount> counts_ ABSL_GUARDED_BY(mu_) = {};
};

Admission::Ticket::Ticket(Ticket&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)),
      method_(other.method_),
      admitted_(other.admitted_),
      waited_(other.waited_) {}

Admission::Ticket& Admission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    Release();
    limiter_ = std::exchange(other.limiter_, nullptr);
    method_ = other.method_;
    admitted_ = other.admitted_;
    waited_ = other.waited_;
  }
  return *this;
}

void Admission::Ticket::Release() {
  if (Limiter* limiter = std::exchange(limiter_, nullptr)) {
    limiter->Release(method_, admitted_, /*shed=*/false);
  }
}

void Admission::Ticket::Shed() {
  if (Limiter* limiter = std::exchange(limiter_, nullptr)) {
    limiter->Release(method_, admitted_, /*shed=*/true);
  }
}

Admission::Admission(AdmissionOptions options, int cores) : options_(options) {
  constexpr std::array<CostClass, kLimiterCount> kCosts = {
      CostClass::kCheap, CostClass::kMedium, CostClass::kExpensive, CostClass::kExpensive,
      CostClass::kExpensive};
  for (int i = 0; i < kLimiterCount; ++i) {
    const CostClass cost = kCosts[i];
    AdmissionLimits limits = options_.limits[static_cast<int>(cost)];
    if (limits.max_running <= 0) limits.max_running = DefaultLimits(cost, cores).max_running;
    if (limits.max_waiting < 0) limits.max_waiting = DefaultWaiting(cost, limits.max_running);
    limiters_[i] = std::make_unique<Limiter>(static_cast<LimiterId>(i), cost, limits, options_);
  }
}

Admission::~Admission() = default;

Admission::Limiter& Admission::LimiterFor(RpcMethod method) const {
  return *limiters_[static_cast<int>(LimiterOf(method))];
}

absl::Status Admission::Admit(RpcMethod method, Start start) {
  return LimiterFor(method).Admit(method, std::move(start));
}

absl::StatusOr<Admission::Ticket> Admission::TryAdmit(RpcMethod method) {
  return LimiterFor(method).TryAdmit(method);
}

AdmissionLimits Admission::limits(RpcMethod method) const { return LimiterFor(method).limits(); }

AdmissionStats Admission::Stats() const {
  AdmissionStats stats;
  for (const auto& limiter : limiters_) limiter->AddStats(&stats);
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
