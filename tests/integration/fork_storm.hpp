// A fork storm for placement rules: a parent forks RATE short children a
// second; each reports, at the end of its life, when it first found itself
// in the `fsched-users` cgroup (or that it never did). Used by the [storm]
// test and bench/bench_rules.
#pragma once

#include <sys/types.h>

#include <vector>

namespace it {

struct StormResult {
  std::size_t children = 0;
  std::size_t not_placed = 0;
  std::vector<double> placed_after_ms;  // sorted
  double storm_seconds = 0;             // how long the forking took
  double rate() const { return storm_seconds > 0 ? children / storm_seconds : 0; }
  double percentile(double q) const;
};

// setuid: a root parent whose children each become uid 9000 (every child
// is a uid event the daemon must act on). Otherwise the parent becomes 9000,
// waits until it is placed, and its children are born in the group.
// A child not yet placed at the end of its life looks on until wait_ms
// (0: gives up with its life).
StormResult fork_storm(bool setuid, int rate, int seconds, int life_ms, int wait_ms = 0);

}  // namespace it
