#include "policies.hpp"

#include <array>

namespace fsched {

namespace {
constexpr std::array<PolicyInfo, static_cast<std::size_t>(Policy::NR_POLICIES)> kPolicies = {{
    {Policy::fair, "fair",
     "weighted fair share: each busy member (process or child group) gets CPU in proportion "
     "to its weight"},
    {Policy::user_fair, "user-fair",
     "per-user fair share: the group's processes are split by owner first, each user "
     "weighted by usernice; child groups compete as members of their own"},
    {Policy::idle, "idle", "the group runs only when nothing else wants the CPU"},
}};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < kPolicies.size(); ++i)
    if (static_cast<std::size_t>(kPolicies[i].policy) != i) return false;
  return true;
}
static_assert(in_enum_order(), "kPolicies is indexed by Policy");
}  // namespace

std::span<const PolicyInfo> known_policies() {
  return kPolicies;
}

std::string_view policy_name(Policy p) {
  return kPolicies[static_cast<std::size_t>(p)].name;
}

std::optional<Policy> policy_from_name(std::string_view name) {
  for (const auto& p : kPolicies)
    if (p.name == name) return p.policy;
  return std::nullopt;
}

}  // namespace fsched
