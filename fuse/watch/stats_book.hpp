// The last sampling window's CPU shares, written by the sampler once a
// window and read by the stats files.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <unordered_map>

#include "tree.hpp"

namespace fsched {

class StatsBook {
 public:
  void publish(std::unordered_map<pid_t, double> proc_pct,
               std::unordered_map<GroupId, double> group_pct) {
    std::lock_guard lock(mu_);
    proc_pct_.swap(proc_pct);
    group_pct_.swap(group_pct);
  }
  double process_pct(pid_t pid) const {
    std::lock_guard lock(mu_);
    auto it = proc_pct_.find(pid);
    return it == proc_pct_.end() ? 0.0 : it->second;
  }
  double group_pct(GroupId id) const {
    std::lock_guard lock(mu_);
    auto it = group_pct_.find(id);
    return it == group_pct_.end() ? 0.0 : it->second;
  }

 private:
  mutable std::mutex mu_;  // guards both maps
  std::unordered_map<pid_t, double> proc_pct_;
  std::unordered_map<GroupId, double> group_pct_;
};

}  // namespace fsched
