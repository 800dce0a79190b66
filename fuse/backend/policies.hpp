// The scheduling policies fsched knows, as an enum with one name table. A
// backend decides which of them it can run; schedulers/ lists those.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace fsched {

enum class Policy : std::uint8_t { fair, user_fair, idle, NR_POLICIES };

struct PolicyInfo {
  Policy policy;
  std::string_view name;  // as `scheduler` and schedulers/ spell it
  std::string_view description;
};

// In enum order, one entry per policy.
std::span<const PolicyInfo> known_policies();
std::string_view policy_name(Policy p);
std::optional<Policy> policy_from_name(std::string_view name);

inline constexpr Policy kDefaultPolicy = Policy::fair;

}  // namespace fsched
