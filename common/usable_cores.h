// How many cores this process may actually use, for sizing thread pools and
// admission limits. std::thread::hardware_concurrency() counts the machine's
// cores; in a container (a Kubernetes CPU limit, `docker run --cpus`) or under
// `taskset` the process gets fewer, and sizing from the machine would start
// more busy threads than it can run. This is the smallest of the CPU
// affinity mask and the cgroup's CPU quota (v2 `cpu.max`, or v1
// `cpu.cfs_quota_us` / `cpu.cfs_period_us`), rounded up, and at least 1.
//
// Thread-safety: free functions; safe from any thread.
#ifndef STORYLINE_COMMON_USABLE_CORES_H_
#define STORYLINE_COMMON_USABLE_CORES_H_

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>

namespace storyline {

namespace usable_cores_internal {

inline bool ReadTwoNumbers(const std::string& path, double& first, double& second) {
  std::ifstream in(path);
  std::string a, b;
  if (!(in >> a >> b) || a == "max") return false;
  try {
    first = std::stod(a);
    second = std::stod(b);
  } catch (...) {
    return false;
  }
  return first > 0 && second > 0;
}

inline bool ReadNumber(const std::string& path, double& value) {
  std::ifstream in(path);
  return static_cast<bool>(in >> value);
}

}  // namespace usable_cores_internal

// The cgroup CPU quota in cores (rounded up) under `cgroup_root` (normally
// /sys/fs/cgroup), or 0 when there is none.
inline int CgroupCpuQuota(const std::string& cgroup_root) {
  namespace in = usable_cores_internal;
  double quota = 0, period = 0;
  if (in::ReadTwoNumbers(cgroup_root + "/cpu.max", quota, period) ||
      (in::ReadNumber(cgroup_root + "/cpu/cpu.cfs_quota_us", quota) &&
       in::ReadNumber(cgroup_root + "/cpu/cpu.cfs_period_us", period) && quota > 0 && period > 0)) {
    return std::max(1, static_cast<int>(std::ceil(quota / period)));
  }
  return 0;
}

// `cores` if positive (a flag set by hand), else the cores this process may use.
inline int UsableCores(int cores = 0, const std::string& cgroup_root = "/sys/fs/cgroup") {
  if (cores > 0) return cores;
  int n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof(mask), &mask) == 0) n = std::min(n, CPU_COUNT(&mask));
  const int quota = CgroupCpuQuota(cgroup_root);
  if (quota > 0) n = std::min(n, quota);
  return std::max(1, n);
}

}  // namespace storyline

#endif  // STORYLINE_COMMON_USABLE_CORES_H_
