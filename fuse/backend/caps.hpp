// Caps beside weights (the spec's "Caps"): cpu.max, as cgroup v2 has it,
// and the CPUs a group may run on.
#pragma once

#include <cstdint>
#include <optional>

namespace fsched {

// QUOTA of CPU time per PERIOD, in microseconds; quota 0 is "max".
struct CpuMax {
  std::uint64_t quota_us = 0;
  std::uint64_t period_us = 100000;
  bool limited() const { return quota_us != 0; }
  bool operator==(const CpuMax&) const = default;
};

inline constexpr std::uint64_t kDefaultPeriodUs = 100000;
inline constexpr std::uint64_t kMinQuotaUs = 1000;
inline constexpr std::uint64_t kMinPeriodUs = 1000;
inline constexpr std::uint64_t kMaxPeriodUs = 1000000;
// The kernel's own bound on a quota (max_cfs_runtime: 2^44 - 1 us).
inline constexpr std::uint64_t kMaxQuotaUs = (std::uint64_t{1} << 44) - 1;

// A write to cpu.max: "QUOTA PERIOD", "max PERIOD", or one word that sets
// the quota and keeps the period.
struct CpuMaxRequest {
  bool max = false;
  std::uint64_t quota_us = 0;
  std::optional<std::uint64_t> period_us;
};

// What cpu.stat counts for a capped group.
struct Throttling {
  std::uint64_t nr_periods = 0;
  std::uint64_t nr_throttled = 0;
  std::uint64_t throttled_usec = 0;
};

}  // namespace fsched
