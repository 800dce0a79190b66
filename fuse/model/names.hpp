// The spec's rules for group names, shared by mkdir and rename.
#pragma once

#include <sys/types.h>

#include <array>
#include <string_view>

namespace fsched {

inline constexpr std::size_t kMaxGroupName = 64;

// The files in every group directory and in every pid directory, in the
// order of the VFS's GroupFile and PidFile. A group may take none of the
// group files' names (it would hide a file of its parent), nor the pid
// files the spec reserves (comm, stats). "proc", the link to /proc/PID, is
// not reserved: it came later, groups of that name may exist, and it lives
// only in pid directories, where no group does.
inline constexpr std::array<std::string_view, 6> kGroupFileNames = {
    "scheduler", "cpu.weight", "tasks", "stats", "cpu.max", "cpus"};
inline constexpr std::array<std::string_view, 3> kPidFileNames = {"comm", "stats", "proc"};
inline constexpr std::array<std::string_view, 2> kReservedPidFileNames = {"comm", "stats"};

// 0, or the errno the spec gives for a bad name: EINVAL for the shape
// (empty, all digits, too long, bad bytes, leading '.'), EEXIST for the
// names of the files every group holds.
int check_group_name(std::string_view name);

bool is_reserved_name(std::string_view name);
bool is_all_digits(std::string_view s);
// The pid a directory name stands for; false when it is not a pid (not all
// digits, or too large), so hostile names never throw.
bool pid_from_name(std::string_view name, pid_t* out);

}  // namespace fsched
