// The model's view of a live process, read from /proc.
#pragma once

#include <optional>

#include "proc_source.hpp"
#include "proc_stat.hpp"
#include "tree.hpp"

namespace fsched {

// Reads its real uid/gid too; nullopt when it is gone.
std::optional<ProcessInfo> probe_process(pid_t pid, ProcSource& proc = proc_fs());
ProcessInfo info_from(const ProcStat& st, uid_t uid, gid_t gid);

}  // namespace fsched
