// Admission control: a bounded number of calls run at once, a short queue
// waits for a slot, and anything past that is refused at once with
// RESOURCE_EXHAUSTED and a retry delay, before any work is queued. Limits
// follow the methods' cost classes (cheap, medium, expensive) and are sized
// from the machine's cores unless set.
//
// Reads share one limiter per cost class, because they share the search
// workers and the CPU: the cheap reads (Search, GetArticle, GetIndexStats)
// one, the medium ones (SimilarStories, Recommend) another, TopicClusters a
// third, so saturating TopicClusters never takes a slot from Search. Writes
// run on the writer threads, not the search workers, and each has its own
// expensive-sized limiter (ingest streams; deletes), so a long ingest
// stream never locks TopicClusters out.
//
// A ticket holds a slot until it is released (or destroyed); releasing
// hands the slot straight to the oldest waiting call, whose start function
// then runs on the releasing thread.
//
// Thread-safety: all methods are thread-safe. Start functions run without
// any admission lock held.
#ifndef STORYLINE_SERVER_ADMISSION_H_
#define STORYLINE_SERVER_ADMISSION_H_

#include <grpcpp/server_context.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
  // Calls of one method that run at once; at least 1.
  int max_running = 1;
  // Calls of one method that may wait for a slot; 0 = none wait.
  int max_waiting = 0;
};

struct AdmissionOptions {
  // Per-method limits of each cost class, indexed by CostClass.
  // max_running 0 comes from DefaultLimits(); max_waiting -1 means
  // DefaultWaiting().
  std::array<AdmissionLimits, 3> limits = {AdmissionLimits{0, -1}, AdmissionLimits{0, -1},
                                           AdmissionLimits{0, -1}};
  // Shortest and longest retry delay a refusal suggests.
  absl::Duration min_retry_delay = absl::Milliseconds(10);
  absl::Duration max_retry_delay = absl::Seconds(30);
};

// Limits sized from `cores`: cheap reads `cores` running, the others
// max(1, cores / 2); each may have DefaultWaiting() waiting. See
// bench/README.md ("Overload (issue 9)").
AdmissionLimits DefaultLimits(CostClass cost, int cores);
// Half as many as run (rounded down; at least 1 for cheap reads).
int DefaultWaiting(CostClass cost, int max_running);

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
};

class Admission {
 private:
  class Limiter;

 public:
  // A slot for one call. Movable; releases its slot when destroyed. A
  // default-constructed ticket holds nothing.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket() { Release(); }

    // Frees the slot (or hands it to the oldest waiting call). Idempotent.
    void Release();
    // Releases the slot and counts the call as shed (see AdmissionStats).
    void Shed();
    // How long the call waited for its slot (zero if it got one at once).
    absl::Duration waited() const { return waited_; }

   private:
    friend class Admission;
    Ticket(Limiter* limiter, RpcMethod method, absl::Time admitted, absl::Duration waited)
        : limiter_(limiter), method_(method), admitted_(admitted), waited_(waited) {}

    Limiter* limiter_ = nullptr;
    RpcMethod method_ = RpcMethod::kSearch;
    absl::Time admitted_;
    absl::Duration waited_ = absl::ZeroDuration();
  };

  // Runs once the call has a slot, with the ticket that holds it.
  using Start = absl::AnyInvocable<void(Ticket) &&>;

  explicit Admission(AdmissionOptions options = {}, int cores = 0);
  ~Admission();

  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  // Runs `start` now if `method`'s limiter has a free slot, or queues it to
  // run when one frees up if the queue has room; returns OK in both cases
  // (and `start` then owns finishing the call). Otherwise returns
  // kResourceExhausted, without running `start`, with a message that says
  // which limit was hit and when to retry, and the delay attached as
  // RetryDelay().
  absl::Status Admit(RpcMethod method, Start start);

  // A slot now or kResourceExhausted as Admit(); never waits.
  absl::StatusOr<Ticket> TryAdmit(RpcMethod method);

  // The limits of `method`'s limiter.
  AdmissionLimits limits(RpcMethod method) const;
  AdmissionStats Stats() const;

 private:
  Limiter& LimiterFor(RpcMethod method) const;

  const AdmissionOptions options_;
  std::array<std::unique_ptr<Limiter>, kLimiterCount> limiters_;
};

// The retry delay a refusal carries (status payload), if any.
std::optional<absl::Duration> RetryDelay(const absl::Status& status);

// Adds the trailing metadata `retry-after-ms: <ms>` when `status` carries a
// retry delay. Call before Finish().
void AddRetryMetadata(const absl::Status& status, grpc::ServerContextBase* ctx);

}  // namespace storyline::server

#endif  // STORYLINE_SERVER_ADMISSION_H_
