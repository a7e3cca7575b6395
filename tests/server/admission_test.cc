#include "server/admission.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "server/error_details.h"

namespace storyline::server {
namespace {

using ::testing::HasSubstr;

// Every limiter at `running`/`waiting`, with read workers to spare.
AdmissionOptions Limits(int running, int waiting) {
  AdmissionOptions options{.read_workers = 64};
  for (AdmissionLimits& l : options.limits) l = {.max_running = running, .max_waiting = waiting};
  return options;
}

TEST(AdmissionTest, CostClassesFollowTheIssue) {
  EXPECT_EQ(CostOf(RpcMethod::kSearch), CostClass::kCheap);
  EXPECT_EQ(CostOf(RpcMethod::kGetArticle), CostClass::kCheap);
  EXPECT_EQ(CostOf(RpcMethod::kGetIndexStats), CostClass::kCheap);
  EXPECT_EQ(CostOf(RpcMethod::kSimilarStories), CostClass::kMedium);
  EXPECT_EQ(CostOf(RpcMethod::kRecommend), CostClass::kMedium);
  EXPECT_EQ(CostOf(RpcMethod::kTopicClusters), CostClass::kExpensive);
  EXPECT_EQ(CostOf(RpcMethod::kIndexArticles), CostClass::kExpensive);
  EXPECT_EQ(CostOf(RpcMethod::kDeleteArticles), CostClass::kExpensive);
  EXPECT_STREQ(MethodName(RpcMethod::kTopicClusters), "TopicClusters");
}

TEST(AdmissionTest, ReadsShareALimiterPerClassAndWritesHaveTheirOwn) {
  EXPECT_EQ(LimiterOf(RpcMethod::kSearch), LimiterId::kCheapReads);
  EXPECT_EQ(LimiterOf(RpcMethod::kGetArticle), LimiterId::kCheapReads);
  EXPECT_EQ(LimiterOf(RpcMethod::kGetIndexStats), LimiterId::kCheapReads);
  EXPECT_EQ(LimiterOf(RpcMethod::kSimilarStories), LimiterId::kMediumReads);
  EXPECT_EQ(LimiterOf(RpcMethod::kRecommend), LimiterId::kMediumReads);
  EXPECT_EQ(LimiterOf(RpcMethod::kTopicClusters), LimiterId::kExpensiveReads);
  EXPECT_EQ(LimiterOf(RpcMethod::kIndexArticles), LimiterId::kIngest);
  EXPECT_EQ(LimiterOf(RpcMethod::kDeleteArticles), LimiterId::kDelete);

  Admission admission(Limits(1, 0));
  absl::StatusOr<Admission::Ticket> search = admission.TryAdmit(RpcMethod::kSearch);
  ASSERT_TRUE(search.ok());
  // GetArticle shares Search's one slot...
  EXPECT_EQ(admission.TryAdmit(RpcMethod::kGetArticle).status().code(),
            absl::StatusCode::kResourceExhausted);
  // ...but every other limiter has its own.
  std::vector<Admission::Ticket> held;
  for (RpcMethod m : {RpcMethod::kRecommend, RpcMethod::kTopicClusters, RpcMethod::kIndexArticles,
                      RpcMethod::kDeleteArticles}) {
    absl::StatusOr<Admission::Ticket> t = admission.TryAdmit(m);
    ASSERT_TRUE(t.ok()) << MethodName(m);
    held.push_back(std::move(*t));
  }
  absl::Status refused = admission.TryAdmit(RpcMethod::kSimilarStories).status();
  EXPECT_THAT(refused.message(), HasSubstr("SimilarStories refused"));
  EXPECT_THAT(refused.message(), HasSubstr("medium_reads limit (SimilarStories, Recommend"));
}

TEST(AdmissionTest, ReadWorkersBoundAllReadsAndKeepSomeForCheapOnes) {
  AdmissionOptions options = Limits(4, 2);
  options.read_workers = 2;  // medium and expensive reads: 1 of them
  Admission admission(options);
  EXPECT_EQ(admission.read_workers(), 2);
  absl::StatusOr<Admission::Ticket> clusters = admission.TryAdmit(RpcMethod::kTopicClusters);
  ASSERT_TRUE(clusters.ok());
  // TopicClusters holds the one worker heavy reads may have: a similar
  // call waits, though its own limiter has room...
  std::optional<Admission::Ticket> similar;
  ASSERT_TRUE(
      admission
          .Admit(RpcMethod::kSimilarStories, [&](Admission::Ticket t) { similar = std::move(t); })
          .ok());
  EXPECT_FALSE(similar.has_value());
  // ...while a search still runs at once, on the other worker.
  std::optional<Admission::Ticket> search;
  ASSERT_TRUE(
      admission.Admit(RpcMethod::kSearch, [&](Admission::Ticket t) { search = std::move(t); })
          .ok());
  ASSERT_TRUE(search.has_value());
  // Both workers are busy now: the next search waits.
  std::optional<Admission::Ticket> second;
  ASSERT_TRUE(
      admission.Admit(RpcMethod::kGetArticle, [&](Admission::Ticket t) { second = std::move(t); })
          .ok());
  EXPECT_FALSE(second.has_value());
  EXPECT_EQ(admission.Stats().reads_running, 2);
  // A write needs no read worker.
  EXPECT_TRUE(admission.TryAdmit(RpcMethod::kIndexArticles).ok());

  // When TopicClusters finishes, the oldest waiting call that can run
  // (SimilarStories) takes its worker; the GetArticle still waits.
  clusters->Release();
  EXPECT_TRUE(similar.has_value());
  EXPECT_FALSE(second.has_value());
  search->Release();
  EXPECT_TRUE(second.has_value());
  EXPECT_GT(second->waited(), absl::ZeroDuration());

  // A refusal for want of workers says so.
  Admission busy(options);
  absl::StatusOr<Admission::Ticket> c = busy.TryAdmit(RpcMethod::kTopicClusters);
  ASSERT_TRUE(c.ok());
  absl::Status refused = busy.TryAdmit(RpcMethod::kRecommend).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("read workers are busy"));
  EXPECT_TRUE(RetryDelay(refused).has_value());
}

TEST(AdmissionTest, DefaultLimitsScaleWithCores) {
  EXPECT_EQ(DefaultLimits(CostClass::kCheap, 2).max_running, 2);
  EXPECT_EQ(DefaultLimits(CostClass::kCheap, 2).max_waiting, 1);
  EXPECT_EQ(DefaultLimits(CostClass::kMedium, 2).max_running, 1);
  EXPECT_EQ(DefaultLimits(CostClass::kMedium, 2).max_waiting, 0);
  EXPECT_EQ(DefaultLimits(CostClass::kMedium, 8).max_running, 4);
  EXPECT_EQ(DefaultLimits(CostClass::kExpensive, 2).max_running, 1);
  EXPECT_EQ(DefaultLimits(CostClass::kExpensive, 1).max_running, 1);
  EXPECT_EQ(DefaultLimits(CostClass::kExpensive, 16).max_running, 8);
  EXPECT_EQ(DefaultLimits(CostClass::kExpensive, 16).max_waiting, 4);
  EXPECT_EQ(DefaultLimits(CostClass::kCheap, 16).max_waiting, 8);
  EXPECT_EQ(DefaultLimits(CostClass::kCheap, 1).max_waiting, 1);  // cheap calls always queue
  EXPECT_EQ(DefaultLimits(CostClass::kMedium, 1).max_waiting, 0);
  // Unset options take the defaults; set ones win.
  AdmissionOptions options;
  options.limits[static_cast<int>(CostClass::kExpensive)] = {.max_running = 3, .max_waiting = 0};
  options.limits[static_cast<int>(CostClass::kMedium)] = {.max_running = 4, .max_waiting = -1};
  options.read_workers = 2;
  Admission admission(options);
  EXPECT_EQ(admission.limits(RpcMethod::kSearch).max_running, 2);
  EXPECT_EQ(admission.limits(RpcMethod::kSearch).max_waiting, 1);
  EXPECT_EQ(admission.limits(RpcMethod::kRecommend).max_running, 4);
  EXPECT_EQ(admission.limits(RpcMethod::kRecommend).max_waiting, 2);
  EXPECT_EQ(admission.limits(RpcMethod::kTopicClusters).max_running, 3);
  EXPECT_EQ(admission.limits(RpcMethod::kTopicClusters).max_waiting, 0);
}

TEST(AdmissionTest, RunsUpToTheLimitThenQueuesThenRefusesWithARetryDelay) {
  Admission admission(Limits(2, 1));
  std::vector<Admission::Ticket> running;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(admission
                    .Admit(RpcMethod::kTopicClusters,
                           [&](Admission::Ticket t) { running.push_back(std::move(t)); })
                    .ok());
  }
  EXPECT_EQ(running.size(), 2u);  // both ran at once
  std::optional<Admission::Ticket> queued;
  ASSERT_TRUE(
      admission
          .Admit(RpcMethod::kTopicClusters, [&](Admission::Ticket t) { queued = std::move(t); })
          .ok());
  EXPECT_FALSE(queued.has_value());  // waiting for a slot

  bool ran = false;
  absl::Status refused =
      admission.Admit(RpcMethod::kTopicClusters, [&](Admission::Ticket) { ran = true; });
  EXPECT_FALSE(ran);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.message(), HasSubstr("TopicClusters"));
  EXPECT_THAT(refused.message(), HasSubstr("retry after"));
  std::optional<absl::Duration> delay = RetryDelay(refused);
  ASSERT_TRUE(delay.has_value());
  EXPECT_GE(*delay, absl::Milliseconds(10));
  EXPECT_LE(*delay, absl::Seconds(30));
  // The same delay as google.rpc.RetryInfo, and a stable reason.
  EXPECT_EQ(RetryInfoDelay(refused), delay);
  EXPECT_EQ(ErrorReason(refused), "INDEX_BUSY");

  // Other limiters have their own slots.
  EXPECT_TRUE(admission.TryAdmit(RpcMethod::kSearch).ok());

  absl::SleepFor(absl::Milliseconds(5));
  running[0].Release();  // hands the slot to the waiting call
  ASSERT_TRUE(queued.has_value());
  EXPECT_GT(queued->waited(), absl::ZeroDuration());
}

TEST(AdmissionTest, StatsCountRejectedShedAndAdmitted) {
  Admission admission(Limits(1, 1));
  absl::StatusOr<Admission::Ticket> first = admission.TryAdmit(RpcMethod::kRecommend);
  ASSERT_TRUE(first.ok());
  std::optional<Admission::Ticket> waiter;
  ASSERT_TRUE(
      admission.Admit(RpcMethod::kRecommend, [&](Admission::Ticket t) { waiter = std::move(t); })
          .ok());
  EXPECT_FALSE(admission.TryAdmit(RpcMethod::kRecommend).ok());  // no free slot
  EXPECT_FALSE(admission.Admit(RpcMethod::kRecommend, [](Admission::Ticket) {}).ok());

  EXPECT_FALSE(admission.TryAdmit(RpcMethod::kSimilarStories).ok());  // same limiter

  AdmissionStats stats = admission.Stats();
  ASSERT_EQ(stats.limiters.size(), size_t{kLimiterCount});
  ASSERT_EQ(stats.methods.size(), size_t{kRpcMethodCount});
  auto limiter = [&](LimiterId id) {
    for (const auto& l : stats.limiters) {
      if (l.id == id) return l;
    }
    return AdmissionStats::Limiter{};
  };
  auto method = [&](RpcMethod m) {
    for (const auto& s : stats.methods) {
      if (s.method == m) return s;
    }
    return AdmissionStats::Method{};
  };
  EXPECT_EQ(limiter(LimiterId::kMediumReads).running, 1);
  EXPECT_EQ(limiter(LimiterId::kMediumReads).waiting, 1);
  EXPECT_EQ(limiter(LimiterId::kMediumReads).cost, CostClass::kMedium);
  EXPECT_EQ(limiter(LimiterId::kCheapReads).running, 0);
  EXPECT_EQ(method(RpcMethod::kRecommend).rejected, 2u);
  EXPECT_EQ(method(RpcMethod::kRecommend).admitted, 1u);
  EXPECT_EQ(method(RpcMethod::kSimilarStories).rejected, 1u);

  first->Release();
  ASSERT_TRUE(waiter.has_value());
  waiter->Shed();
  stats = admission.Stats();
  EXPECT_EQ(limiter(LimiterId::kMediumReads).running, 0);
  EXPECT_EQ(limiter(LimiterId::kMediumReads).waiting, 0);
  EXPECT_EQ(method(RpcMethod::kRecommend).shed, 1u);
  EXPECT_EQ(method(RpcMethod::kRecommend).admitted, 2u);
}

TEST(AdmissionTest, TicketsReleaseOnceWhenMovedOrDestroyed) {
  Admission admission(Limits(1, 0));
  {
    absl::StatusOr<Admission::Ticket> t = admission.TryAdmit(RpcMethod::kSearch);
    ASSERT_TRUE(t.ok());
    Admission::Ticket moved = std::move(*t);
    t->Release();  // the moved-from ticket holds nothing
    EXPECT_FALSE(admission.TryAdmit(RpcMethod::kSearch).ok());
  }  // `moved` frees the slot
  absl::StatusOr<Admission::Ticket> again = admission.TryAdmit(RpcMethod::kSearch);
  ASSERT_TRUE(again.ok());
  again->Release();
  again->Release();
  EXPECT_EQ(admission.Stats().limiters[0].running, 0);
  Admission::Ticket empty;  // holds nothing; destroying it is harmless
}

TEST(AdmissionTest, RetryDelayGrowsWithHowLongCallsHoldTheirSlot) {
  Admission admission(Limits(1, 0));
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<Admission::Ticket> t = admission.TryAdmit(RpcMethod::kTopicClusters);
    ASSERT_TRUE(t.ok());
    absl::SleepFor(absl::Milliseconds(20));
  }
  absl::StatusOr<Admission::Ticket> held = admission.TryAdmit(RpcMethod::kTopicClusters);
  ASSERT_TRUE(held.ok());
  std::optional<absl::Duration> delay =
      RetryDelay(admission.TryAdmit(RpcMethod::kTopicClusters).status());
  ASSERT_TRUE(delay.has_value());
  EXPECT_GE(*delay, absl::Milliseconds(15));
  EXPECT_LE(*delay, absl::Milliseconds(200));
}

TEST(AdmissionTest, NoRetryDelayOnOtherStatuses) {
  EXPECT_FALSE(RetryDelay(absl::OkStatus()).has_value());
  EXPECT_FALSE(RetryDelay(absl::ResourceExhaustedError("queue full")).has_value());
}

}  // namespace
// Releases every ticket in `tickets`, including those of the waiting calls
// the releases start (their start callbacks append to `tickets`), so none
// is left to start into a vector being destroyed.
void ReleaseAll(std::vector<Admission::Ticket>& tickets) {
  while (!tickets.empty()) {
    Admission::Ticket last = std::move(tickets.back());
    tickets.pop_back();
    last.Release();
  }
}

// Cheap reads at their defaults on two read workers: 2 run, 1 waits under
// sustained overload, 16 in a burst.
TEST(AdmissionTest, ABurstQueuesButAStandingQueueIsShort) {
  Admission admission({.read_workers = 2});
  EXPECT_EQ(admission.limits(RpcMethod::kSearch).max_waiting, 1);
  EXPECT_EQ(admission.limits(RpcMethod::kSearch).burst_waiting, 16);
  std::vector<Admission::Ticket> running;
  running.reserve(64);  // a release starts a waiter, which lands here: no reallocation
  auto admit = [&] {
    return admission.Admit(RpcMethod::kSearch,
                           [&](Admission::Ticket t) { running.push_back(std::move(t)); });
  };
  for (int i = 0; i < 2 + 16; ++i) ASSERT_TRUE(admit().ok()) << i;
  EXPECT_EQ(running.size(), 2u);
  EXPECT_EQ(admit().code(), absl::StatusCode::kResourceExhausted);  // the burst room is full

  // The queue has not emptied for longer than kStandingQueue: overload, so
  // nothing joins until it is down to max_waiting.
  absl::SleepFor(kStandingQueue + absl::Milliseconds(20));
  for (int i = 0; i < 15; ++i) running[static_cast<size_t>(i)].Release();  // 15 start
  EXPECT_EQ(admit().code(), absl::StatusCode::kResourceExhausted);         // 1 still waits
  running[15].Release();                                                   // the last starts
  EXPECT_TRUE(admit().ok());  // the queue is young again: room for a burst
  EXPECT_TRUE(admit().ok());
  ReleaseAll(running);
}

// A queue length set by hand holds for bursts too.
TEST(AdmissionTest, AQueueSetByHandHasNoBurstRoom) {
  AdmissionOptions options{.read_workers = 2};
  options.limits[static_cast<int>(CostClass::kCheap)] = {.max_running = 2, .max_waiting = 3};
  Admission admission(options);
  EXPECT_EQ(admission.limits(RpcMethod::kSearch).burst_waiting, 3);
  std::vector<Admission::Ticket> running;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(admission
                    .Admit(RpcMethod::kSearch,
                           [&](Admission::Ticket t) { running.push_back(std::move(t)); })
                    .ok());
  }
  EXPECT_EQ(admission.TryAdmit(RpcMethod::kSearch).status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(admission.Admit(RpcMethod::kSearch, [](Admission::Ticket) {}).code(),
            absl::StatusCode::kResourceExhausted);
  ReleaseAll(running);
}

}  // namespace storyline::server
