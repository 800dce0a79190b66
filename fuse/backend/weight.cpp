#include "weight.hpp"

#include <algorithm>
#include <array>

namespace fsched {

namespace {
// Same numbers as kernel/sched/core.c sched_prio_to_weight[].
constexpr std::array<std::uint32_t, 40> kNiceToLoad = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904,
    3906,  3121,  2501,  1991,  1586,  1277,  1024,  820,   655,   526,   423,  335,  272,  215,
    172,   137,   110,   87,    70,    56,    45,    36,    29,    23,    18,   15,
};
}  // namespace

std::uint32_t nice_to_load(int nice) {
  nice = std::clamp(nice, kNiceRange.min, kNiceRange.max);
  return kNiceToLoad[static_cast<std::size_t>(nice - kNiceRange.min)];
}

std::uint64_t weight_to_shares(int weight) {
  return static_cast<std::uint64_t>(weight) * 1024 / 100;
}

int shares_to_weight(std::uint64_t shares) {
  auto w = static_cast<std::int64_t>((shares * 100 + 1023) / 1024);
  return static_cast<int>(std::clamp<std::int64_t>(w, kWeightRange.min, kWeightRange.max));
}

int load_to_weight(std::uint32_t load) {
  auto w = static_cast<std::int64_t>((static_cast<std::uint64_t>(load) * 100 + 512) / 1024);
  return static_cast<int>(std::clamp<std::int64_t>(w, kWeightRange.min, kWeightRange.max));
}

}  // namespace fsched
