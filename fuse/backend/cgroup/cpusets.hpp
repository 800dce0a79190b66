// Where a group's `cpus` live, cgroup v1 and v2 behind one interface (as
// CpuKnobs does for the cpu controller):
//   v2  the group's own directory's cpuset.cpus, once the cpuset
//       controller is enabled in its parents; the kernel narrows children
//       (cpuset.cpus.effective);
//   v1  a mirror of the groups in the separately mounted cpuset hierarchy,
//       as the cpuacct mirror: members are moved there too, and every
//       directory holds its effective list, which the kernel requires to
//       stay within its parent's.
#pragma once

#include <memory>
#include <string>

#include "cgroup_mounts.hpp"
#include "cpu_list.hpp"

namespace fsched {

class Cpusets {
 public:
  virtual ~Cpusets() = default;
  static std::unique_ptr<Cpusets> for_layout(const CgroupLayout& layout);

  // "" when groups can be given CPUs here, else why not.
  virtual std::string unsupported() const = 0;
  // Whether members must be moved into a mirror (v1).
  virtual bool mirrored() const = 0;
  // A mirror directory for a new group, with its parent's CPUs and
  // memory nodes (v1; v2 has nothing to make).
  [[nodiscard]] virtual int make_dir(const std::string& dir, const std::string& parent) const = 0;
  // Children of `dir` may have CPUs of their own (v2: cgroup.subtree_control).
  [[nodiscard]] virtual int enable(const std::string& dir) const = 0;
  // Writes what the directory's cpuset.cpus holds: v2 the group's own
  // list (empty: none), v1 the effective one.
  [[nodiscard]] virtual int write(const std::string& dir, const CpuSet& cpus) const = 0;
  // The CPUs a directory's processes may run on.
  virtual CpuSet cpus(const std::string& dir) const = 0;
};

}  // namespace fsched
