// Share measurements that can tell a neighbour's burst from a real miss.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace it {

// cpu_pct_over until `ok` holds, twice at most: an unpinned share test on
// a shared machine can meet a neighbour's burst (a cron job, a compile). A
// miss is reported (Catch2 WARN) with what else was running then, so a
// failure says whether the machine was busy.
std::vector<double> cpu_pct_settled(const std::vector<pid_t>& pids, double seconds,
                                    const std::function<bool(const std::vector<double>&)>& ok);

// The processes in state R other than `ours` and this one: "comm(pid) ...".
std::string others_running(const std::vector<pid_t>& ours);

}  // namespace it
