// Listing the live, non-kernel processes of the machine from /proc.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "proc_stat.hpp"

namespace fsched {

// Every process in /proc that is neither a kernel thread nor a zombie.
std::unordered_map<pid_t, ProcStat> list_processes();

// The numeric entries of /proc: every process, kernel threads and zombies
// too, from one directory read.
std::vector<pid_t> list_pids();

std::int64_t boot_time_sec();

}  // namespace fsched
