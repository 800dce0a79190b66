// CPU shares over the last sampling window, measured only while someone
// reads them.
//
// Measuring every process's share once a window costs one /proc read per
// process on the machine; an idle daemon on a server with 10,000 processes
// would spend a few percent of a CPU on figures nobody asks for. So the
// book keeps two tiers of figures — groups (one cgroup read each) and
// processes (one /proc read each) — and the sampler measures a tier only
// while it is leased: a reader of a `stats` file leases its tier for
// `lease`, and the first reader after a lease ran out waits (with no lock
// of the tree held) for one fresh window, as `vmstat 1 2` does, so what it
// reads is exact over a real window rather than a guess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "tree.hpp"

namespace fsched {

enum StatsTier : unsigned { kGroupTier = 1, kProcessTier = 2, kAllTiers = 3 };

// One window's figures, in percent of one CPU. The process tier carries
// the entitlements too (entitlement.hpp): they are computed from what
// every process used and waited.
struct WindowFigures {
  std::unordered_map<pid_t, double> proc_pct;
  std::unordered_map<pid_t, double> proc_entitled;
  std::unordered_map<GroupId, double> group_entitled;
  std::unordered_map<GroupId, double> group_pct;  // the group tier's
};

class StatsBook {
 public:
  using Clock = std::chrono::steady_clock;

  // Reader side. Leases `tiers` from now and, unless a window of each is
  // published, wakes the sampler and waits for them (at most `timeout`).
  void await(unsigned tiers, std::chrono::milliseconds timeout);
  double process_pct(pid_t pid) const;
  double group_pct(GroupId id) const;
  double process_entitled(pid_t pid) const;
  double group_entitled(GroupId id) const;

  // Sampler side.
  void set_lease(std::chrono::milliseconds lease);
  // Tiers read within the lease; tiers whose lease ran out are dropped
  // (their figures too, so the next reader waits for a fresh window).
  unsigned leased(Clock::time_point now);
  // Figures for `tiers` over the window just ended.
  void publish(unsigned tiers, WindowFigures figures);
  // Sleeps until `deadline`, a wake(), or a leased tier the sampler has not
  // started (`started` is the sampler's own mask).
  void wait(Clock::time_point deadline, unsigned started);
  void wake();

  // Tests and the CLI-free bench: whether a reader ever had to wait.
  unsigned long waits() const;

 private:
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::chrono::milliseconds lease_{10000};
  Clock::time_point read_at_[2]{};  // last read of each tier
  unsigned leased_ = 0;             // tiers with a live lease
  unsigned published_ = 0;          // tiers with figures for a window
  bool woken_ = false;
  unsigned long waits_ = 0;
  WindowFigures figures_;
};

}  // namespace fsched
