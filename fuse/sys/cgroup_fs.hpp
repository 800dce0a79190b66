// Small, errno-returning wrappers around the cgroupfs file operations the
// cgroup backend needs.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace fsched::cgfs {

// Writes `value` to a control file in one write(2), as cgroupfs expects;
// 0 or the errno the kernel gave.
[[nodiscard]] int write_file(const std::string& path, const std::string& value);
std::optional<std::string> read_file(const std::string& path);
std::optional<long long> read_integer(const std::string& path);
[[nodiscard]] int make_dir(const std::string& path);
[[nodiscard]] int remove_dir(const std::string& path);
bool exists(const std::string& path);
std::vector<std::string> subdirs(const std::string& dir);
std::vector<pid_t> procs(const std::string& dir);  // cgroup.procs

[[nodiscard]] int set_xattr(const std::string& path, const std::string& name, const std::string& value);
std::optional<std::string> get_xattr(const std::string& path, const std::string& name);

}  // namespace fsched::cgfs
