#include "server/admission.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/usable_cores.h"
#include "server/error_details.h"

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

// Half as many as run, rounded down; at least 1 for cheap reads, whose
// waits are a fraction of a millisecond.
int DefaultWaiting(CostClass cost, int running) {
  return cost == CostClass::kCheap ? std::max(1, running / 2) : running / 2;
}

int DefaultBurstWaiting(CostClass cost, int running) {
  constexpr int kCheapBurstPerSlot = 8;
  return cost == CostClass::kCheap ? kCheapBurstPerSlot * running : DefaultWaiting(cost, running);
}

int Cores(int cores) { return UsableCores(cores); }

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

AdmissionLimits DefaultLimits(CostClass cost, int workers) {
  const int n = Cores(workers);
  const int running = cost == CostClass::kCheap ? n : std::max(1, n / 2);
  return {.max_running = running,
          .max_waiting = DefaultWaiting(cost, running),
          .burst_waiting = DefaultBurstWaiting(cost, running)};
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

namespace {

bool IsRead(LimiterId id) { return id != LimiterId::kIngest && id != LimiterId::kDelete; }
bool IsHeavyRead(LimiterId id) {
  return id == LimiterId::kMediumReads || id == LimiterId::kExpensiveReads;
}

// "Search, GetArticle, GetIndexStats": the methods of `id`.
std::string Members(LimiterId id) {
  std::string out;
  for (int i = 0; i < kRpcMethodCount; ++i) {
    const auto method = static_cast<RpcMethod>(i);
    if (LimiterOf(method) == id) absl::StrAppend(&out, out.empty() ? "" : ", ", MethodName(method));
  }
  return out;
}

}  // namespace

Admission::Admission(AdmissionOptions options, int cores)
    : min_retry_delay_(options.min_retry_delay),
      max_retry_delay_(options.max_retry_delay),
      read_workers_(options.read_workers > 0 ? options.read_workers : Cores(cores)),
      heavy_workers_(read_workers_ - read_workers_ / 2) {
  constexpr std::array<CostClass, kLimiterCount> kCosts = {
      CostClass::kCheap, CostClass::kMedium, CostClass::kExpensive, CostClass::kExpensive,
      CostClass::kExpensive};
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < kLimiterCount; ++i) {
    const auto id = static_cast<LimiterId>(i);
    const CostClass cost = kCosts[i];
    // Reads are sized from the read workers, writes from the cores.
    const AdmissionLimits defaults = DefaultLimits(cost, IsRead(id) ? read_workers_ : cores);
    AdmissionLimits limits = options.limits[static_cast<int>(cost)];
    if (limits.max_running <= 0) limits.max_running = defaults.max_running;
    // Burst room comes with the default queue; a queue length set by hand
    // is the length, burst or not (unless a burst length is set too).
    if (limits.max_waiting < 0) {
      limits.max_waiting = DefaultWaiting(cost, limits.max_running);
      if (limits.burst_waiting < 0) {
        limits.burst_waiting = DefaultBurstWaiting(cost, limits.max_running);
      }
    }
    limits.burst_waiting = std::max(limits.burst_waiting, limits.max_waiting);
    Limiter& limiter = limiters_[i];
    limiter.id = id;
    limiter.cost = cost;
    limiter.limits = limits;
    limiter.mean_hold = InitialHoldGuess(cost);
  }
}

int Admission::QueueRoomLocked(const Limiter& limiter, absl::Time now) const {
  const bool standing = !limiter.waiting.empty() && now - limiter.queued_since > kStandingQueue;
  return standing ? limiter.limits.max_waiting : limiter.limits.burst_waiting;
}

bool Admission::CanRunLocked(const Limiter& limiter) const {
  if (limiter.running >= limiter.limits.max_running) return false;
  if (!IsRead(limiter.id)) return true;
  if (reads_running_ >= read_workers_) return false;
  return !IsHeavyRead(limiter.id) || heavy_running_ < heavy_workers_;
}

void Admission::TakeSlotLocked(Limiter& limiter, RpcMethod method) {
  ++limiter.running;
  if (IsRead(limiter.id)) ++reads_running_;
  if (IsHeavyRead(limiter.id)) ++heavy_running_;
  ++counts_[static_cast<int>(method)].admitted;
}

absl::Status Admission::Admit(RpcMethod method, Start start) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    Limiter& limiter = LimiterFor(method);
    if (!CanRunLocked(limiter) || !limiter.waiting.empty()) {
      if (static_cast<int>(limiter.waiting.size()) >= QueueRoomLocked(limiter, now)) {
        return RefuseLocked(limiter, method);
      }
      if (limiter.waiting.empty()) limiter.queued_since = now;
      limiter.waiting.push_back({method, std::move(start), now});
      return absl::OkStatus();
    }
    TakeSlotLocked(limiter, method);
  }
  std::move(start)(Ticket(this, method, now, absl::ZeroDuration()));
  return absl::OkStatus();
}

absl::StatusOr<Admission::Ticket> Admission::TryAdmit(RpcMethod method) {
  absl::MutexLock lock(&mu_);
  Limiter& limiter = LimiterFor(method);
  if (!CanRunLocked(limiter) || !limiter.waiting.empty()) return RefuseLocked(limiter, method);
  TakeSlotLocked(limiter, method);
  return Ticket(this, method, absl::Now(), absl::ZeroDuration());
}

void Admission::Release(RpcMethod method, absl::Time admitted, bool shed) {
  const absl::Time now = absl::Now();
  std::vector<Ready> ready;
  {
    absl::MutexLock lock(&mu_);
    Limiter& limiter = LimiterFor(method);
    if (shed) {
      ++counts_[static_cast<int>(method)].shed;
    } else {
      limiter.mean_hold = 0.8 * limiter.mean_hold + 0.2 * (now - admitted);
    }
    --limiter.running;
    if (IsRead(limiter.id)) --reads_running_;
    if (IsHeavyRead(limiter.id)) --heavy_running_;
    DrainLocked(&ready);
  }
  for (Ready& r : ready) std::move(r.start)(std::move(r.ticket));
}

void Admission::DrainLocked(std::vector<Ready>* ready) {
  const absl::Time now = absl::Now();
  for (;;) {
    Limiter* oldest = nullptr;
    for (Limiter& l : limiters_) {
      if (l.waiting.empty() || !CanRunLocked(l)) continue;
      if (oldest == nullptr || l.waiting.front().queued_at < oldest->waiting.front().queued_at) {
        oldest = &l;
      }
    }
    if (oldest == nullptr) return;
    Waiter next = std::move(oldest->waiting.front());
    oldest->waiting.pop_front();
    TakeSlotLocked(*oldest, next.method);
    ready->push_back({std::move(next.start), Ticket(this, next.method, now, now - next.queued_at)});
  }
}

absl::Status Admission::RefuseLocked(Limiter& limiter, RpcMethod method) {
  ++counts_[static_cast<int>(method)].rejected;
  // Roughly when this call could start: the calls ahead of it, spread over
  // the limiter's slots, each holding one for the limiter's mean hold time.
  // When the read workers are what is full, the soonest-freed read slot.
  const int ahead = static_cast<int>(limiter.waiting.size()) + 1;
  absl::Duration delay = limiter.mean_hold * ahead / limiter.limits.max_running;
  std::string why = absl::StrCat("the ", LimiterName(limiter.id), " limit (", Members(limiter.id),
                                 "; ", CostClassName(limiter.cost), ") has ", limiter.running,
                                 " running and ", limiter.waiting.size(), " waiting");
  if (limiter.running < limiter.limits.max_running) {
    absl::Duration soonest = absl::InfiniteDuration();
    for (const Limiter& l : limiters_) {
      if (IsRead(l.id) && l.running > 0) soonest = std::min(soonest, l.mean_hold / l.running);
    }
    if (soonest != absl::InfiniteDuration()) delay = soonest * ahead;
    absl::StrAppend(&why, ", and the read workers are busy (", reads_running_, " of ",
                    read_workers_, "; medium and expensive reads ", heavy_running_, " of ",
                    heavy_workers_, ")");
  }
  delay = std::clamp(delay, min_retry_delay_, max_retry_delay_);
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(delay, absl::Milliseconds(1)));
  absl::Status status = absl::ResourceExhaustedError(absl::StrCat(
      "server busy: ", MethodName(method), " refused: ", why, "; retry after ", ms, " ms"));
  status.SetPayload(kRetryPayload, absl::Cord(std::to_string(ms)));
  SetRetryInfo(&status, absl::Milliseconds(ms));
  return WithReason(std::move(status), "INDEX_BUSY");
}

AdmissionLimits Admission::limits(RpcMethod method) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return limiters_[static_cast<int>(LimiterOf(method))].limits;  // immutable
}

AdmissionStats Admission::Stats() const {
  absl::MutexLock lock(&mu_);
  AdmissionStats stats;
  stats.read_workers = read_workers_;
  stats.reads_running = reads_running_;
  for (const Limiter& l : limiters_) {
    stats.limiters.push_back({.id = l.id,
                              .cost = l.cost,
                              .limits = l.limits,
                              .running = l.running,
                              .waiting = static_cast<int>(l.waiting.size())});
  }
  for (int i = 0; i < kRpcMethodCount; ++i) {
    AdmissionStats::Method m = counts_[i];
    m.method = static_cast<RpcMethod>(i);
    stats.methods.push_back(m);
  }
  return stats;
}

Admission::Ticket::Ticket(Ticket&& other) noexcept
    : admission_(std::exchange(other.admission_, nullptr)),
      method_(other.method_),
      admitted_(other.admitted_),
      waited_(other.waited_) {}

Admission::Ticket& Admission::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    Release();
    admission_ = std::exchange(other.admission_, nullptr);
    method_ = other.method_;
    admitted_ = other.admitted_;
    waited_ = other.waited_;
  }
  return *this;
}

void Admission::Ticket::Release() {
  if (Admission* a = std::exchange(admission_, nullptr)) a->Release(method_, admitted_, false);
}

void Admission::Ticket::Shed() {
  if (Admission* a = std::exchange(admission_, nullptr)) a->Release(method_, admitted_, true);
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
