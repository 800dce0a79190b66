#include "policies.hpp"

#include <array>

namespace fsched {

namespace {
constexpr std::array<PolicyInfo, 3> kPolicies = {{
    {"fair",
     "weighted fair share: each busy member (process or child group) gets CPU in proportion "
     "to its weight"},
    {"user-fair",
     "per-user fair share: the group's processes are split by owner first, each user "
     "weighted by usernice; child groups compete as members of their own"},
    {"idle", "the group runs only when nothing else wants the CPU"},
}};
}  // namespace

std::span<const PolicyInfo> known_policies() {
  return kPolicies;
}

const PolicyInfo* find_policy(std::string_view name) {
  for (const auto& p : kPolicies)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace fsched
