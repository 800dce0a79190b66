// Names the cgroup backend gives its directories and extended attributes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fsched::cgnames {

inline constexpr std::string_view kGroupPrefix = "fsched-";  // fsched-<group name>
inline constexpr std::string_view kLeafPrefix = "proc-";     // proc-<n>: one process
inline constexpr std::string_view kUserPrefix = "user-";     // user-<uid>: in user-fair groups
inline constexpr const char* kSettingsXattr = "trusted.fsched.settings";
inline constexpr const char* kHomeXattr = "trusted.fsched.home";
inline constexpr const char* kUsageXattr = "trusted.fsched.usage_base";
inline constexpr const char* kUserniceXattr = "trusted.fsched.usernice";  // on cgroup_root
inline constexpr std::size_t kMaxSpareLeaves = 8;

// A group's directory under `root`: root/fsched-a/fsched-b for path {a, b}.
// The cpu hierarchy and the v1 mirrors (cpuacct, cpuset) name it alike.
inline std::string group_dir(std::string_view root, const std::vector<std::string>& path) {
  std::string dir(root);
  for (const auto& c : path) {
    dir += '/';
    dir += kGroupPrefix;
    dir += c;
  }
  return dir;
}

}  // namespace fsched::cgnames
