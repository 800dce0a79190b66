// Conversions between the weights users write and the ones kernels take.
#pragma once

#include <cstdint>

#include "ranges.hpp"

namespace fsched {

// CFS load weight of a nice level (-20..19), as the kernel's
// sched_prio_to_weight table: nice 0 = 1024, each step about 1.25x.
std::uint32_t nice_to_load(int nice);

// cgroup v1 cpu.shares for a cpu.weight: shares = weight * 1024 / 100.
std::uint64_t weight_to_shares(int weight);
// The one cpu.weight in 1..10000 whose shares are these (inverse of the
// above; the step of 10.24 shares per weight keeps it unique).
int shares_to_weight(std::uint64_t shares);

// cgroup v2 cpu.weight for a CFS load weight, rounded and clamped into
// 1..10000 (nice 0 -> 100).
int load_to_weight(std::uint32_t load);

}  // namespace fsched
