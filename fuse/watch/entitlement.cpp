#include "entitlement.hpp"

#include <numeric>

#include "policies.hpp"
#include "weight.hpp"

namespace fsched {

namespace {
// The load of a SCHED_IDLE entity (WEIGHT_IDLEPRIO), which an `idle`
// group is among its siblings (cgroup cpu.idle, and our scheduler alike).
constexpr double kIdleLoad = 3;

// One competitor inside a group: a process, a user's bucket or a child group.
struct Member {
  double weight = 0;
  double demand = 0;
  std::vector<std::size_t> procs;  // a process or a bucket: indices into in.procs
  GroupId group = kHostGroup;      // a child group, when procs is empty
};

class Sharer {
 public:
  explicit Sharer(const EntitlementInput& in) : in_(in) {
    for (const auto& g : in.groups) {
      rows_[g.id] = &g;
      if (g.id != g.parent) children_[g.parent].push_back(g.id);
    }
    for (std::size_t i = 0; i < in.procs.size(); ++i) members_[in.procs[i].group].push_back(i);
  }

  Entitlement run() {
    double capacity = 0;
    for (const auto& p : in_.procs) capacity += p.used_usec;
    share(kHostGroup, capacity, 0);
    return std::move(out_);
  }

 private:
  double demand_of(GroupId id, int depth) {
    if (depth > 128) return 0;  // a cycle in a broken input
    if (auto it = demand_.find(id); it != demand_.end()) return it->second;
    double d = 0;
    for (std::size_t i : members_[id]) d += in_.procs[i].demand_usec;
    for (GroupId c : children_[id]) d += demand_of(c, depth + 1);
    return demand_[id] = d;
  }

  void share(GroupId id, double amount, int depth) {
    out_.group_usec[id] = amount;
    if (depth > 128) return;
    const auto* row = rows_.count(id) ? rows_[id] : nullptr;
    std::vector<Member> ms;
    if (row && row->user_fair) {
      std::map<uid_t, Member> users;
      for (std::size_t i : members_[id]) {
        auto& u = users[in_.procs[i].uid];
        u.procs.push_back(i);
        u.demand += in_.procs[i].demand_usec;
      }
      for (auto& [uid, u] : users) {
        auto w = in_.user_weight.find(uid);
        u.weight = w == in_.user_weight.end() ? 1024 : w->second;
        ms.push_back(std::move(u));
      }
    } else {
      for (std::size_t i : members_[id])
        ms.push_back(Member{in_.procs[i].weight, in_.procs[i].demand_usec, {i}, kHostGroup});
    }
    for (GroupId c : children_[id])
      ms.push_back(Member{rows_[c]->weight, demand_of(c, depth + 1), {}, c});

    std::vector<double> w, d;
    for (const auto& m : ms) {
      w.push_back(m.weight);
      d.push_back(m.demand);
    }
    auto got = water_fill(amount, w, d);
    for (std::size_t k = 0; k < ms.size(); ++k) {
      const auto& m = ms[k];
      if (m.procs.empty()) {
        share(m.group, got[k], depth + 1);
      } else if (m.procs.size() == 1) {
        out_.proc_usec[in_.procs[m.procs[0]].pid] = got[k];
      } else {  // a user's processes share the user's part
        std::vector<double> pw, pd;
        for (std::size_t i : m.procs) {
          pw.push_back(in_.procs[i].weight);
          pd.push_back(in_.procs[i].demand_usec);
        }
        auto each = water_fill(got[k], pw, pd);
        for (std::size_t j = 0; j < m.procs.size(); ++j)
          out_.proc_usec[in_.procs[m.procs[j]].pid] = each[j];
      }
    }
  }

  const EntitlementInput& in_;
  std::unordered_map<GroupId, const EntitlementInput::GroupRow*> rows_;
  std::unordered_map<GroupId, std::vector<GroupId>> children_;
  std::unordered_map<GroupId, std::vector<std::size_t>> members_;
  std::unordered_map<GroupId, double> demand_;
  Entitlement out_;
};
}  // namespace

double group_load(const GroupSettings& s) {
  if (s.policy == Policy::idle) return kIdleLoad;
  return s.weight * 1024.0 / 100.0;
}

std::vector<double> water_fill(double amount, const std::vector<double>& weights,
                               const std::vector<double>& demands) {
  const std::size_t n = weights.size();
  std::vector<double> got(n, 0);
  std::vector<bool> done(n, false);
  for (std::size_t i = 0; i < n; ++i) done[i] = demands[i] <= 0 || weights[i] <= 0;
  double left = amount;
  // Each round either settles a member at its demand or ends: n rounds at most.
  for (std::size_t round = 0; round <= n && left > 0; ++round) {
    double total = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (!done[i]) total += weights[i];
    if (total <= 0) break;
    bool settled = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (done[i] || demands[i] > left * weights[i] / total) continue;
      got[i] = demands[i];
      done[i] = true;
      settled = true;
    }
    if (settled) {
      left = amount;
      for (std::size_t i = 0; i < n; ++i)
        if (done[i]) left -= got[i];
      continue;
    }
    for (std::size_t i = 0; i < n; ++i)
      if (!done[i]) got[i] = left * weights[i] / total;
    break;
  }
  return got;
}

Entitlement entitle(const EntitlementInput& in) { return Sharer(in).run(); }

}  // namespace fsched
