// Keeps the tree true to the kernel: one thread follows process events
// (fork inheritance, exits) as they happen, another rescans /proc once a
// sampling window to catch what events missed and to measure each
// process's and group's CPU share.
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
          std::chrono::milliseconds window, ProcSource& proc = proc_fs());
  ~Watcher() { stop(); }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  void start();
  void stop();

  // One pass of each thread's work; public for unit tests, which run them
  // without the threads.
  void handle_events(const std::vector<ProcEvent>& events);
  void rescan();

 private:
  void events_loop();
  void sampler_loop();

  Tree& tree_;
  std::shared_mutex& mu_;
  StatsBook& stats_;
  std::function<void()> flush_;
  ProcSource& proc_;
  std::chrono::milliseconds window_;
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
  };
  std::unordered_map<pid_t, Sample> last_proc_;
  std::unordered_map<GroupId, std::uint64_t> last_group_;
  std::chrono::steady_clock::time_point last_time_{};
};

}  // namespace fsched
