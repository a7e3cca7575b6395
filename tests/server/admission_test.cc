#include "server/admission.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

#include "absl/time/clock.h"

namespace storyline::server {
namespace {

using ::testing::HasSubstr;

AdmissionOptions Limits(int running, int waiting) {
  AdmissionOptions options;
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

TEST(AdmissionTest, DefaultLimitsScaleWithCores) {
  EXPECT_EQ(DefaultLimits(CostClass::kCheap, 2).max_running, 4);
  EXPECT_EQ(DefaultLimits(CostClass::kMedium, 2).max_running, 2);
  EXPECT_EQ(DefaultLimits(CostClass::kExpensive, 2).max_running, 1);
  EXPECT_EQ(DefaultLimits(CostClass::kExpensive, 1).max_running, 1);
  EXPECT_EQ(DefaultLimits(CostClass::kExpensive, 16).max_running, 8);
  EXPECT_EQ(DefaultLimits(CostClass::kCheap, 16).max_waiting, 32);
  // Unset options take the defaults; set ones win.
  AdmissionOptions options;
  options.limits[static_cast<int>(CostClass::kExpensive)] = {.max_running = 3, .max_waiting = 0};
  Admission admission(options, /*cores=*/2);
  EXPECT_EQ(admission.limits(RpcMethod::kSearch).max_running, 4);
  EXPECT_EQ(admission.limits(RpcMethod::kSearch).max_waiting, 4);
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

  // Other methods have their own slots.
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

  AdmissionStats stats = admission.Stats()[static_cast<int>(RpcMethod::kRecommend)];
  EXPECT_EQ(stats.method, RpcMethod::kRecommend);
  EXPECT_EQ(stats.running, 1);
  EXPECT_EQ(stats.waiting, 1);
  EXPECT_EQ(stats.rejected, 2u);
  EXPECT_EQ(stats.admitted, 1u);

  first->Release();
  ASSERT_TRUE(waiter.has_value());
  waiter->Shed();
  stats = admission.Stats()[static_cast<int>(RpcMethod::kRecommend)];
  EXPECT_EQ(stats.running, 0);
  EXPECT_EQ(stats.waiting, 0);
  EXPECT_EQ(stats.shed, 1u);
  EXPECT_EQ(stats.admitted, 2u);
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
  EXPECT_EQ(admission.Stats()[0].running, 0);
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
}  // namespace storyline::server
