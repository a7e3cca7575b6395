// Admission control: a bounded number of calls run at once, a short queue
// waits for a slot, and anything past that is refused at once with
// RESOURCE_EXHAUSTED and a retry delay, before any work is queued. Limits
// follow the methods' cost classes (cheap, medium, expensive) and are sized
// from the read workers (the cores, by default) unless set.
//
// Reads share one limiter per cost class: the cheap reads (Search,
// GetArticle, GetIndexStats) one, the medium ones (SimilarStories,
// Recommend) another, TopicClusters a third. All reads also share the read
// workers: at most `read_workers` run at once, so they never oversubscribe
// the CPU, and the medium and expensive ones together hold at most
// ceil(read_workers / 2) of them, so cheap reads always have workers left
// however busy TopicClusters is. Writes run on the writer threads instead
// and each has its own limiter (ingest streams; deletes), so a long ingest
// stream never locks TopicClusters out.
//
// A ticket holds a slot until it is released (or destroyed). A release
// starts the waiting calls that can now run, oldest first, on the
// releasing thread.
//
// Thread-safety: all methods are thread-safe. Start functions run without
// any admission lock held.
#ifndef STORYLINE_SERVER_ADMISSION_H_
#define STORYLINE_SERVER_ADMISSION_H_

#include <grpcpp/server_context.h>

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace storyline::server {

// The Storyline methods under admission control.
enum class RpcMethod {
  kSearch,
  kGetArticle,
  kGetIndexStats,
  kSimilarStories,
  kRecommend,
  kTopicClusters,
  kIndexArticles,
  kDeleteArticles,
};
inline constexpr int kRpcMethodCount = 8;

enum class CostClass { kCheap, kMedium, kExpensive };

// Search, GetArticle and GetIndexStats are cheap; SimilarStories and
// Recommend medium; TopicClusters and ingest (IndexArticles,
// DeleteArticles) expensive.
CostClass CostOf(RpcMethod method);
// "Search", "TopicClusters", ...: the gRPC method name.
const char* MethodName(RpcMethod method);
// "cheap", "medium", "expensive".
const char* CostClassName(CostClass cost);

// Who shares slots (see the file comment).
enum class LimiterId { kCheapReads, kMediumReads, kExpensiveReads, kIngest, kDelete };
inline constexpr int kLimiterCount = 5;
LimiterId LimiterOf(RpcMethod method);
// "cheap_reads", "medium_reads", "topic_clusters", "ingest", "delete".
const char* LimiterName(LimiterId limiter);

struct AdmissionLimits {
  // Calls that run at once; at least 1.
  int max_running = 1;
  // Calls that may wait for a slot once the queue has stood (not emptied)
  // for kStandingQueue: sustained overload. 0 = none wait.
  int max_waiting = 0;
  // Calls that may wait while the queue is young: a burst, which drains
  // on its own (CoDel's distinction between a good and a bad queue).
  // Below max_waiting, or -1: max_waiting.
  int burst_waiting = -1;
};

// How long a wait queue must stay non-empty before it counts as standing
// and only max_waiting calls may join it.
inline constexpr absl::Duration kStandingQueue = absl::Milliseconds(100);

struct AdmissionOptions {
  // Reads that run at once, whatever their class: the search workers. 0 =
  // the cores.
  int read_workers = 0;
  // Limits of each cost class's limiter, indexed by CostClass (the
  // expensive ones also size ingest and delete). max_running 0 and
  // max_waiting -1 come from DefaultLimits().
  std::array<AdmissionLimits, 3> limits = {AdmissionLimits{0, -1}, AdmissionLimits{0, -1},
                                           AdmissionLimits{0, -1}};
  // Shortest and longest retry delay a refusal suggests.
  absl::Duration min_retry_delay = absl::Milliseconds(10);
  absl::Duration max_retry_delay = absl::Seconds(30);
};

// Limits from the read workers `workers`: cheap reads `workers` running,
// the others max(1, workers / 2). Waiting: half as many as run, rounded
// down (at least 1 for cheap reads), since under overload every admitted
// call waits for the whole queue ahead of it; bench/README.md, "Overload
// (issue 9)". Cheap reads may queue 8 per running call in a burst, so
// random arrivals well below capacity are not refused (bench/README.md,
// "Search at the engine's limit").
AdmissionLimits DefaultLimits(CostClass cost, int workers);

struct AdmissionStats {
  struct Limiter {
    LimiterId id;
    CostClass cost;
    AdmissionLimits limits;
    int running = 0;
    int waiting = 0;
  };
  struct Method {
    RpcMethod method;
    uint64_t admitted = 0;
    // Calls refused at once (RESOURCE_EXHAUSTED with a retry delay).
    uint64_t rejected = 0;
    // Calls given a slot after waiting whose deadline had passed (or whose
    // client had gone) by then, so they were dropped unrun.
    uint64_t shed = 0;
  };
  std::vector<Limiter> limiters;
  std::vector<Method> methods;
  // The read workers, and how many run a read now.
  int read_workers = 0;
  int reads_running = 0;
};

class Admission {
 public:
  // A slot for one call. Movable; releases its slot when destroyed. A
  // default-constructed ticket holds nothing.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket() { Release(); }

    // Frees the slot (starting waiting calls that can now run).
    // Idempotent.
    void Release();
    // Releases the slot and counts the call as shed (see AdmissionStats).
    void Shed();
    // How long the call waited for its slot (zero if it got one at once).
    absl::Duration waited() const { return waited_; }

   private:
    friend class Admission;
    Ticket(Admission* admission, RpcMethod method, absl::Time admitted, absl::Duration waited)
        : admission_(admission), method_(method), admitted_(admitted), waited_(waited) {}

    Admission* admission_ = nullptr;
    RpcMethod method_ = RpcMethod::kSearch;
    absl::Time admitted_;
    absl::Duration waited_ = absl::ZeroDuration();
  };

  // Runs once the call has a slot, with the ticket that holds it.
  using Start = absl::AnyInvocable<void(Ticket) &&>;

  // `cores` (0 = the machine's) sizes the read workers when
  // options.read_workers is 0, and the write limits.
  explicit Admission(AdmissionOptions options = {}, int cores = 0);

  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // Runs `start` now if `method` may run, or queues it to run when it may
  // if its limiter's queue has room; returns OK in both cases (and `start`
  // then owns finishing the call). Otherwise returns kResourceExhausted,
  // without running `start`, with a message that says which limit was hit
  // and when to retry, and the delay attached as RetryDelay().
  absl::Status Admit(RpcMethod method, Start start) ABSL_LOCKS_EXCLUDED(mu_);

  // A slot now or kResourceExhausted as Admit(); never waits.
  absl::StatusOr<Ticket> TryAdmit(RpcMethod method) ABSL_LOCKS_EXCLUDED(mu_);

  // The limits of `method`'s limiter.
  AdmissionLimits limits(RpcMethod method) const;
  int read_workers() const { return read_workers_; }
  AdmissionStats Stats() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Waiter {
    RpcMethod method;
    Start start;
    absl::Time queued_at;
  };
  struct Limiter {
    LimiterId id;
    CostClass cost;
    AdmissionLimits limits;
    int running = 0;
    std::deque<Waiter> waiting;
    // Exponentially weighted mean time a call holds its slot: the retry
    // delay estimate.
    absl::Duration mean_hold;
    // When `waiting` last went from empty to non-empty.
    absl::Time queued_since = absl::InfinitePast();
  };
  // A call that may start now.
  struct Ready {
    Start start;
    Ticket ticket;
  };

  Limiter& LimiterFor(RpcMethod method) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return limiters_[static_cast<int>(LimiterOf(method))];
  }
  // How many calls may wait in `limiter`'s queue now: its burst room while
  // the queue is young, max_waiting once it has stood for kStandingQueue.
  int QueueRoomLocked(const Limiter& limiter, absl::Time now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool CanRunLocked(const Limiter& limiter) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TakeSlotLocked(Limiter& limiter, RpcMethod method) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Release(RpcMethod method, absl::Time admitted, bool shed) ABSL_LOCKS_EXCLUDED(mu_);
  // Moves the waiting calls that can now run, oldest first, to `ready`.
  void DrainLocked(std::vector<Ready>* ready) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status RefuseLocked(Limiter& limiter, RpcMethod method) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration min_retry_delay_;
  const absl::Duration max_retry_delay_;
  const int read_workers_;
  // Medium and expensive reads together: ceil(read_workers / 2).
  const int heavy_workers_;
  mutable absl::Mutex mu_;
  std::array<Limiter, kLimiterCount> limiters_ ABSL_GUARDED_BY(mu_);
  std::array<AdmissionStats::Method, kRpcMethodCount> counts_ ABSL_GUARDED_BY(mu_) = {};
  int reads_running_ ABSL_GUARDED_BY(mu_) = 0;
  int heavy_running_ ABSL_GUARDED_BY(mu_) = 0;
};

// The retry delay a refusal carries (status payload), if any.
std::optional<absl::Duration> RetryDelay(const absl::Status& status);

// Adds the trailing metadata `retry-after-ms: <ms>` when `status` carries a
// retry delay. Call before Finish().
void AddRetryMetadata(const absl::Status& status, grpc::ServerContextBase* ctx);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_ADMISSION_H_
