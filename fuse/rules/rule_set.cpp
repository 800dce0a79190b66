// Matching a process against the rules: what the daemon does on every
// exec and uid change, so it reads only the facts needs() asks for.
#include <algorithm>
#include <utility>

#include "placement_rules.hpp"

namespace fsched {

namespace {
unsigned need_of(RuleMatch::Kind kind) {
  switch (kind) {
    case RuleMatch::Kind::gid:
    case RuleMatch::Kind::group:
      return kNeedGroups;
    case RuleMatch::Kind::comm:
      return kNeedComm;
    case RuleMatch::Kind::exe:
      return kNeedExe;
    case RuleMatch::Kind::uid:
      break;
  }
  return 0;
}
}  // namespace

bool RuleMatch::holds(const ProcessFacts& f) const {
  switch (kind) {
    case Kind::uid:
      return f.uid >= lo && f.uid <= hi;
    case Kind::gid:
    case Kind::group:
      // gid=N is group=NAME by number: both ask "is the process in this
      // group", as @group in cgrules.conf and sudoers do, so a user whose
      // primary group is `staff` and one who was added to `staff` later
      // are placed alike. The real gid counts (it owns the pid
      // directory); the effective one does not, as for uid.
      return f.gid == lo || std::find(f.groups.begin(), f.groups.end(), lo) != f.groups.end();
    case Kind::comm:
      return f.comm == text;
    case Kind::exe:
      return f.exe == text;
  }
  return false;
}

RuleSet::RuleSet(std::vector<PlacementRule> rules) : rules_(std::move(rules)) {
  for (const auto& r : rules_)
    for (const auto& m : r.matches) needs_ |= need_of(m.kind);
}

const PlacementRule* RuleSet::match(const ProcessFacts& f) const {
  for (const auto& r : rules_) {
    if (std::all_of(r.matches.begin(), r.matches.end(),
                    [&](const RuleMatch& m) { return m.holds(f); }))
      return &r;
  }
  return nullptr;
}

std::vector<GroupPath> RuleSet::groups() const {
  std::vector<GroupPath> out;
  for (const auto& r : rules_)
    if (std::find(out.begin(), out.end(), r.group) == out.end()) out.push_back(r.group);
  return out;
}

}  // namespace fsched
