// Listing the live, non-kernel processes of the machine from /proc.
#pragma once

#include <optional>
#include <unordered_map>

#include "proc_stat.hpp"
#include "tree.hpp"

namespace fsched {

// Every process in /proc that is neither a kernel thread nor a zombie.
std::unordered_map<pid_t, ProcStat> list_processes();

// The model's view of one process (reads its real uid/gid); nullopt when
// it is gone.
std::optional<ProcessInfo> probe_process(pid_t pid);
ProcessInfo info_from(const ProcStat& st, uid_t uid, gid_t gid);

std::int64_t boot_time_sec();

}  // namespace fsched
