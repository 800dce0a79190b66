// Keeps the tree true to the kernel at a cost that does not grow with the
// machine's process count while nothing happens:
//
// * the events thread follows the proc connector (fork inheritance, exec,
//   exit, uid changes) as they happen;
// * the sampler thread measures CPU shares only for the tiers someone is
//   reading (StatsBook), checks the nice level of the processes in guest
//   groups once a window (one getpriority(2) each: nice has no event), and
//   every `net_windows` windows compares the pid list of /proc with the
//   tree (a directory read, no per-process file) to catch what an event
//   lost. An overrun of the connector's socket, or no connector at all,
//   brings back the full rescan of every /proc/<pid>/stat.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>
#include <unordered_map>

#include <functional>
#include <shared_mutex>

#include "proc_connector.hpp"
#include "proc_source.hpp"
#include "stats_book.hpp"
#include "tree.hpp"
#include "unique_fd.hpp"

namespace fsched {

class Watcher {
 public:
  // `mu` guards `tree` (shared to look, exclusive to change); `flush`
  // hands the tree's pending entry changes on, called with `mu` exclusive.
  Watcher(Tree& tree, std::shared_mutex& mu, StatsBook& stats, std::function<void()> flush,
          std::chrono::milliseconds window, ProcSource& proc = proc_fs(), int net_windows = 60);
  ~Watcher() { stop(); }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Told, with no lock held, of processes whose placement may have to
  // change: those that exec'd or changed uid, and those found without an
  // event. Set before start().
  void on_identity(std::function<void(const std::vector<pid_t>&)> hook) {
    identity_hook_ = std::move(hook);
  }

  void start();
  void stop();

  // One pass of each thread's work; public for unit tests, which run them
  // without the threads.
  void handle_events(const std::vector<ProcEvent>& events);
  // Every /proc/<pid>/stat against the tree: after an overrun, or each
  // window where there is no connector.
  void rescan();
  // The pid list of /proc against the tree.
  void safety_net();
  // The nice level of every process in a guest group.
  void check_nice();
  // Measures the leased `tiers` whose window is due at `now`; publishes a
  // tier that was already started. Returns when the next one is due.
  std::chrono::steady_clock::time_point sample(unsigned tiers,
                                               std::chrono::steady_clock::time_point now);

 private:
  void events_loop();
  void tell_identity(const std::vector<pid_t>& pids) {
    if (identity_hook_ && !pids.empty()) identity_hook_(pids);
  }
  void sampler_loop();
  // The process tier's window (watcher_sample.cpp): shares and entitlements.
  void sample_processes(double elapsed_usec, bool publish, WindowFigures* out);

  Tree& tree_;
  std::shared_mutex& mu_;
  StatsBook& stats_;
  std::function<void()> flush_;
  std::function<void(const std::vector<pid_t>&)> identity_hook_;
  ProcSource& proc_;
  std::chrono::milliseconds window_;
  int net_windows_;
  std::optional<ProcConnector> connector_;
  UniqueFd wake_;  // eventfd: stop() wakes both loops
  std::atomic<bool> stopping_{false};
  std::atomic<bool> rescan_now_{false};
  std::thread events_thread_;
  std::thread sampler_thread_;

  // Sampler-thread only.
  struct Sample {
    std::uint64_t start_time = 0;
    std::uint64_t cpu_usec = 0;
    // Read when first seen, then only while it runs (this window or the
    // last): an idle process wanted nothing (entitlement.hpp).
    std::optional<std::uint64_t> wait_usec;
    bool ran = false;
  };
  unsigned started_ = 0;  // tiers with a first sample taken
  std::unordered_map<pid_t, Sample> last_proc_;
  std::unordered_map<GroupId, std::uint64_t> last_group_;
  std::chrono::steady_clock::time_point last_time_[2]{};  // per tier
  // Pids the safety net found to be kernel threads: not probed again.
  std::unordered_map<pid_t, std::uint64_t> kernel_threads_;
};

}  // namespace fsched
