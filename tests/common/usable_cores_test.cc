#include "common/usable_cores.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace storyline {
namespace {

class FakeCgroup : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("usable-cores-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "cpu");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name) << text;
  }
  std::string Root() const { return root_.string(); }

 private:
  std::filesystem::path root_;
};

TEST_F(FakeCgroup, NoQuotaFileMeansNoQuota) { EXPECT_EQ(CgroupCpuQuota(Root()), 0); }

TEST_F(FakeCgroup, CgroupV2QuotaIsRoundedUp) {
  Write("cpu.max", "150000 100000\n");
  EXPECT_EQ(CgroupCpuQuota(Root()), 2);
  Write("cpu.max", "50000 100000\n");
  EXPECT_EQ(CgroupCpuQuota(Root()), 1);
}

TEST_F(FakeCgroup, CgroupV2WithoutALimitSaysMax) {
  Write("cpu.max", "max 100000\n");
  EXPECT_EQ(CgroupCpuQuota(Root()), 0);
}

TEST_F(FakeCgroup, CgroupV1Quota) {
  Write("cpu/cpu.cfs_quota_us", "300000\n");
  Write("cpu/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(CgroupCpuQuota(Root()), 3);
  Write("cpu/cpu.cfs_quota_us", "-1\n");  // v1's "no limit"
  EXPECT_EQ(CgroupCpuQuota(Root()), 0);
}

TEST_F(FakeCgroup, AQuotaCapsTheCores) {
  Write("cpu.max", "50000 100000\n");
  EXPECT_EQ(UsableCores(0, Root()), 1);
}

TEST_F(FakeCgroup, AFlagSetByHandWins) {
  Write("cpu.max", "50000 100000\n");
  EXPECT_EQ(UsableCores(6, Root()), 6);
}

TEST(UsableCoresTest, TheAffinityMaskCapsTheCores) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs 2 or more cores";
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &saved)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  const int cores = UsableCores(0, "/nonexistent");
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);
  EXPECT_EQ(cores, 1);
}

}  // namespace
}  // namespace storyline
