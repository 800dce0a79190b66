// The scheduling policies fsched knows. A backend decides which of them it
// can run; schedulers/ lists those.
#pragma once

#include <span>
#include <string_view>

namespace fsched {

struct PolicyInfo {
  std::string_view name;
  std::string_view description;
};

std::span<const PolicyInfo> known_policies();
const PolicyInfo* find_policy(std::string_view name);

inline constexpr std::string_view kDefaultPolicy = "fair";

}  // namespace fsched
