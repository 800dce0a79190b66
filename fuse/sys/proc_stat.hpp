// Reading one process out of /proc. The tree identifies a process by pid
// and start time together, so a recycled pid is never taken for the old
// process.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fsched {

struct ProcStat {
  pid_t pid = 0;
  pid_t ppid = 0;
  char state = '?';
  std::string comm;
  unsigned flags = 0;
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  int nice = 0;
  int num_threads = 1;
  std::uint64_t start_time = 0;  // clock ticks after boot

  bool kernel_thread() const;
  bool gone() const { return state == 'Z' || state == 'X'; }
};

// Parses the text of /proc/<pid>/stat; nullopt when malformed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);
std::optional<ProcStat> read_proc_stat(pid_t pid);

struct ProcIds {
  uid_t uid = 0;              // real
  gid_t gid = 0;              // real
  pid_t tgid = 0;             // the process a thread belongs to
  std::vector<gid_t> groups;  // supplementary
};
// Parses the Uid:, Gid:, Tgid: and Groups: lines of /proc/<pid>/status.
std::optional<ProcIds> parse_proc_ids(std::string_view status);
std::optional<ProcIds> read_proc_ids(pid_t pid);

// The target of /proc/<pid>/exe; nullopt when unreadable (a kernel
// thread, a process gone).
std::optional<std::string> read_proc_exe(pid_t pid);

std::uint64_t ticks_to_usec(std::uint64_t ticks);

// The time a task has waited on a runqueue, in µs: the second field of
// /proc/<pid>/schedstat (run_delay, ns). nullopt when malformed.
std::optional<std::uint64_t> parse_run_delay_usec(std::string_view schedstat);
// A process's: its one thread's, or with `threads` > 1 the sum over
// /proc/<pid>/task/* (a thread that exited takes its part with it).
std::optional<std::uint64_t> read_run_delay_usec(pid_t pid, int threads);

// Reads a whole small file (procfs, cgroupfs); nullopt when unreadable.
// Stops after `max_bytes` (and the rest of the read that passed it).
std::optional<std::string> read_small_file(const std::string& path,
                                           std::size_t max_bytes = std::size_t{1} << 20);

}  // namespace fsched
