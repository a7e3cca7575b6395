// server/child_supervisor.h: a program that exits is started again with
// backoff; the running child is stopped with the supervisor.
#include "server/child_supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>

#include "absl/time/clock.h"

namespace storyline::server {
namespace {

TEST(ReplicaChildSupervisorTest, RestartsAProgramThatExitsWithBackoff) {
  ChildSupervisor supervisor({.argv = {"sh", "-c", "exit 1"},
                              .min_backoff = absl::Milliseconds(10),
                              .max_backoff = absl::Milliseconds(40)});
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (supervisor.restarts() < 3 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_GE(supervisor.restarts(), 3);
}

TEST(ReplicaChildSupervisorTest, StopsTheRunningChildWhenDestroyed) {
  pid_t pid = 0;
  {
    ChildSupervisor supervisor({.argv = {"sleep", "60"}});
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while ((pid = supervisor.pid()) == 0 && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_GT(pid, 0);
    EXPECT_EQ(kill(pid, 0), 0);
    EXPECT_EQ(supervisor.restarts(), 0);
  }
  EXPECT_NE(kill(pid, 0), 0);  // reaped: gone
}

}  // namespace
}  // namespace storyline::server
