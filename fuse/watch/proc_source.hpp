// What the watcher reads of the live system: /proc on a real machine, a
// fake in unit tests (which check, among other things, that it is never
// read while the tree's lock is held exclusive).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "proc_stat.hpp"

namespace fsched {

class ProcSource {
 public:
  virtual ~ProcSource() = default;
  // Every live process that is neither a kernel thread nor a zombie.
  virtual std::unordered_map<pid_t, ProcStat> list() = 0;
  virtual std::optional<ProcStat> stat(pid_t pid) = 0;
  virtual std::optional<ProcIds> ids(pid_t pid) = 0;
  // The numbers in /proc (processes only, kernel threads included): one
  // directory read, no file opened per process.
  virtual std::vector<pid_t> pids() = 0;
  // The nice level of a process's leader thread, by getpriority(2).
  virtual std::optional<int> nice(pid_t pid) = 0;
  // The program it runs (the target of /proc/<pid>/exe).
  virtual std::optional<std::string> exe(pid_t pid) = 0;
  // Its runqueue wait so far, in µs (schedstat), summed over `threads`.
  virtual std::optional<std::uint64_t> wait_usec(pid_t pid, int threads) = 0;
};

// The real one.
ProcSource& proc_fs();

}  // namespace fsched
