// A ProcSource over test::FakeProc, for the watcher's and the placer's
// tests: both must never read /proc while holding the tree's lock
// exclusive (every FUSE request would wait for those reads), and each read
// here notes whether that lock was held.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "proc_source.hpp"
#include "tree_fixture.hpp"

namespace fsched::test {

// Serves FakeProc's processes; each read notes whether some thread held
// the lock exclusive at that moment (asked from another thread, since
// try_lock_shared on a mutex the caller holds is undefined). What
// ProcessInfo lacks (comm, supplementary groups, exe) a test sets per pid.
class FakeSource : public ProcSource {
 public:
  FakeSource(const FakeProc& proc, std::shared_mutex& mu) : proc_(proc), mu_(mu) {}

  std::unordered_map<pid_t, ProcStat> list() override {
    note();
    std::unordered_map<pid_t, ProcStat> out;
    for (const auto& [pid, info] : proc_.outside) out.emplace(pid, stat_of(info));
    return out;
  }
  std::optional<ProcStat> stat(pid_t pid) override {
    note();
    if (pid == 2) {  // kthreadd
      ProcStat st;
      st.pid = 2;
      st.state = 'S';
      st.flags = 0x00200000;  // PF_KTHREAD
      return st;
    }
    auto it = proc_.outside.find(pid);
    if (it == proc_.outside.end()) return std::nullopt;
    auto st = stat_of(it->second);
    if (auto t = ticks.find(pid); t != ticks.end()) st.utime_ticks = t->second;
    return st;
  }
  std::optional<ProcIds> ids(pid_t pid) override {
    note();
    auto it = proc_.outside.find(pid);
    if (it == proc_.outside.end()) return std::nullopt;
    ProcIds ids;
    ids.uid = it->second.uid;
    ids.gid = it->second.gid;
    ids.tgid = pid;
    if (auto g = groups.find(pid); g != groups.end()) ids.groups = g->second;
    if (after_ids) after_ids(pid);
    return ids;
  }
  std::vector<pid_t> pids() override {
    ++listings;
    std::vector<pid_t> out{2};  // a kernel thread
    for (const auto& [pid, info] : proc_.outside) out.push_back(pid);
    return out;
  }
  std::optional<int> nice(pid_t pid) override {
    ++nice_reads;
    auto it = proc_.outside.find(pid);
    if (it == proc_.outside.end()) return std::nullopt;
    return it->second.nice;
  }
  std::optional<std::string> exe(pid_t pid) override {
    note();
    if (auto it = exes.find(pid); it != exes.end()) return it->second;
    if (!proc_.outside.count(pid)) return std::nullopt;
    return "/usr/bin/proc" + std::to_string(pid);
  }
  std::optional<std::uint64_t> wait_usec(pid_t pid, int) override {
    auto it = waits.find(pid);
    return it == waits.end() ? 0 : it->second;
  }

  int reads = 0;
  int reads_under_exclusive_lock = 0;
  int listings = 0;
  int nice_reads = 0;
  std::map<pid_t, std::uint64_t> ticks;        // CPU time, in clock ticks
  std::map<pid_t, std::uint64_t> waits;        // runqueue wait, µs
  std::map<pid_t, std::string> exes;           // absent: "/usr/bin/proc<pid>"
  std::map<pid_t, std::string> comms;          // absent: "proc<pid>"
  std::map<pid_t, std::vector<gid_t>> groups;  // supplementary
  // Runs once a process's ids were read: a test's way to make it exit, or
  // its pid be reused, between the reads and what is done with them.
  std::function<void(pid_t)> after_ids;

 private:
  ProcStat stat_of(const ProcessInfo& info) const {
    ProcStat st;
    st.pid = info.pid;
    st.ppid = info.ppid;
    st.state = 'S';
    st.nice = info.nice;
    st.start_time = info.start_time;
    auto c = comms.find(info.pid);
    st.comm = c == comms.end() ? "proc" + std::to_string(info.pid) : c->second;
    return st;
  }
  void note() {
    ++reads;
    bool free = std::async(std::launch::async, [this] {
                  if (!mu_.try_lock_shared()) return false;
                  mu_.unlock_shared();
                  return true;
                }).get();
    if (!free) ++reads_under_exclusive_lock;
  }
  const FakeProc& proc_;
  std::shared_mutex& mu_;
};

}  // namespace fsched::test
