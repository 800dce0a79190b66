// The ranges users write numbers in, one constant each: every check and
// every error message (daemon and fsched command) is made from these.
#pragma once

#include <string>

namespace fsched {

struct IntRange {
  int min;
  int max;
  constexpr bool contains(long long v) const { return v >= min && v <= max; }
  // "1..10000", as the messages and the docs say it.
  std::string text() const { return std::to_string(min) + ".." + std::to_string(max); }
};

// cpu.weight, as cgroup v2 takes it.
inline constexpr IntRange kWeightRange{1, 10000};
inline constexpr int kDefaultWeight = 100;
// A process's nice level, as setpriority(2) takes it.
inline constexpr IntRange kNiceRange{-20, 19};
// A user's usernice level is a nice level of the user's share.
inline constexpr IntRange kUserniceRange = kNiceRange;

}  // namespace fsched
