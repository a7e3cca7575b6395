// server/child_process.h: exit codes, exec errors, a clean signal state,
// no inherited descriptors and a process group of its own in the child, and
// stopping.
#include "server/child_process.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace storyline::server {
namespace {

using ::testing::HasSubstr;

TEST(ReplicaChildProcessTest, ReportsTheExitCode) {
  absl::StatusOr<ChildProcess> child = ChildProcess::Start({"sh", "-c", "exit 3"});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->WaitFor(absl::Seconds(10)), 3);
  EXPECT_FALSE(child->running());
}

TEST(ReplicaChildProcessTest, AMissingProgramIsNotFoundNamingIt) {
  absl::StatusOr<ChildProcess> child = ChildProcess::Start({"storyline-no-such-program"});
  EXPECT_EQ(child.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(child.status().message(), HasSubstr("storyline-no-such-program"));
}

TEST(ReplicaChildProcessTest, StopEndsItWithSigtermEvenWhenTheParentBlocksIt) {
  // The server blocks SIGTERM in every thread (for sigwait); the child must
  // not inherit that, or Stop would always need SIGKILL.
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &old);
  absl::StatusOr<ChildProcess> child = ChildProcess::Start({"sleep", "60"});
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->WaitFor(absl::Milliseconds(100)), std::nullopt);
  EXPECT_EQ(child->Stop(absl::Seconds(10)), 128 + SIGTERM);
}

TEST(ReplicaChildProcessTest, TheChildInheritsNoDescriptorButStdio) {
  const int fd = open("/dev/null", O_RDONLY);  // not close-on-exec
  ASSERT_GT(fd, 2);
  absl::StatusOr<ChildProcess> child =
      ChildProcess::Start({"sh", "-c", absl::StrCat("test ! -e /proc/self/fd/", fd)});
  close(fd);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->WaitFor(absl::Seconds(10)), 0);
}

TEST(ReplicaChildProcessTest, TheChildLeadsItsOwnProcessGroup) {
  absl::StatusOr<ChildProcess> child =
      ChildProcess::Start({"sh", "-c", "test \"$(ps -o pgid= -p $$)\" -eq $$"});
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->WaitFor(absl::Seconds(10)), 0);
}

}  // namespace
}  // namespace storyline::server
