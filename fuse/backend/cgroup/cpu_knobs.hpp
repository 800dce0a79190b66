// The cpu controller's files, cgroup v1 and v2 behind one interface (as
// lxcfs does with its ops tables): the backend picks the table once, from
// the hierarchy it found, and never asks for the version again.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "backend.hpp"
#include "cgroup_mounts.hpp"

namespace fsched {

class CpuKnobs {
 public:
  virtual ~CpuKnobs() = default;
  static std::unique_ptr<CpuKnobs> for_layout(const CgroupLayout& layout);

  // The root is ready to hold groups; "" or why not (and nothing changed).
  virtual std::string prepare_root(const std::string& root) const = 0;
  // Whether the kernel has cpu.idle for groups.
  virtual bool has_idle(const CgroupLayout& layout) const = 0;
  // Children of `dir` compete for CPU (v2: cgroup.subtree_control).
  [[nodiscard]] virtual int enable_cpu(const std::string& dir) const = 0;
  // A group's weight, 1..10000 as cpu.weight (v1: cpu.shares).
  [[nodiscard]] virtual int set_weight(const std::string& dir, int weight) const = 0;
  virtual std::optional<int> weight(const std::string& dir) const = 0;
  // A leaf's (or a user directory's) weight as a nice level.
  [[nodiscard]] virtual int set_nice(const std::string& dir, int nice) const = 0;
  // CPU time of the cgroup at `dir` (v1: the cpuacct directory).
  virtual Usage usage(const std::string& dir) const = 0;
  // cpu.max (v1: cpu.cfs_quota_us and cpu.cfs_period_us).
  [[nodiscard]] virtual int set_cpu_max(const std::string& dir, const CpuMax& max) const = 0;
  virtual std::optional<CpuMax> cpu_max(const std::string& dir) const = 0;
  // cpu.stat's throttling counts (v1 counts throttled time in ns).
  virtual Throttling throttling(const std::string& dir) const = 0;
  // v1 renames a cgroup in place; v2 cannot, so a rename re-creates it.
  virtual bool renames_in_place() const = 0;
};

}  // namespace fsched
