// Finding the cgroup hierarchy that holds the cpu controller (v2 or v1) and,
// on v1, where cpuacct lives, from /proc/self/mountinfo.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace fsched {

struct CgroupMount {
  int version = 0;                       // 1 or 2
  std::string mount_point;               // e.g. /sys/fs/cgroup/cpu
  std::string root;                      // the hierarchy path mounted there, usually "/"
  std::vector<std::string> controllers;  // v1: from the super options

  bool has(std::string_view controller) const;
};

std::vector<CgroupMount> parse_mountinfo(std::string_view text);

struct CgroupLayout {
  int version = 0;
  CgroupMount cpu;                  // the hierarchy with the cpu controller
  std::string root;                 // cgroup_root: absolute path, inside cpu.mount_point
  std::optional<CgroupMount> acct;  // v1 with cpuacct mounted apart from cpu
  std::string acct_root;            // root's twin in the cpuacct hierarchy
  std::optional<CgroupMount> cpuset;  // v1 with cpuset mounted apart from cpu
  std::string cpuset_root;            // root's twin in the cpuset hierarchy
};

// `v2_controllers` reads a v2 mount's cgroup.controllers (injected so the
// choice can be unit tested). `wanted_root` empty means the hierarchy root.
Result<CgroupLayout> choose_layout(const std::vector<CgroupMount>& mounts,
                                   const std::string& wanted_root,
                                   std::vector<std::string> (*v2_controllers)(const std::string&));

std::vector<std::string> read_v2_controllers(const std::string& dir);

// The line of /proc/<pid>/cgroup for the hierarchy: v2's "0::" line, or the
// v1 line listing `controller`. Returns the hierarchy-relative path.
std::optional<std::string> cgroup_path_in(std::string_view proc_cgroup, int version,
                                          std::string_view controller);

}  // namespace fsched
