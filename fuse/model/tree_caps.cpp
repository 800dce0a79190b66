// Caps (the spec's "Caps"): cpu.max and cpus, checked here, enforced by
// the backend.
#include <cerrno>

#include "permissions.hpp"
#include "tree.hpp"

namespace fsched {

int Tree::set_cpu_max(GroupId id, const CpuMaxRequest& req, const Cred& cred) {
  Group* found = nullptr;
  if (int e = controlled_group(id, cred, &found)) return e;
  Group& g = *found;
  if (g.is_host()) return EPERM;
  CpuMax next = g.settings.cpu_max;
  next.quota_us = req.max ? 0 : req.quota_us;
  if (req.period_us) next.period_us = *req.period_us;
  if (!req.max && (req.quota_us < kMinQuotaUs || req.quota_us > kMaxQuotaUs)) return ERANGE;
  if (next.period_us < kMinPeriodUs || next.period_us > kMaxPeriodUs) return ERANGE;
  if (next == g.settings.cpu_max) return 0;
  if (int e = backend_.set_cpu_max(path_of(id), next)) return e;
  g.settings.cpu_max = next;
  return 0;
}

int Tree::set_cpus(GroupId id, const CpuSet& cpus, const Cred& cred) {
  Group* found = nullptr;
  if (int e = controlled_group(id, cred, &found)) return e;
  Group& g = *found;
  if (g.is_host()) return EPERM;
  const CpuSet online = backend_.online_cpus();
  // All online CPUs is no limit, as an empty list is: the group follows
  // its parent, and CPUs brought online later.
  const CpuSet own = cpus == online ? CpuSet{} : cpus;
  if (!own.subset_of(online) || !own.subset_of(effective_cpus(g.parent))) return EINVAL;
  if (own == g.settings.cpus) return 0;
  if (int e = backend_.set_cpus(path_of(id), own)) return e;
  g.settings.cpus = own;
  return 0;
}

CpuSet Tree::effective_cpus(GroupId id) const {
  const Group* g = group(id);
  if (!g || g->is_host()) return backend_.online_cpus();
  CpuSet parent = effective_cpus(g->parent);
  if (g->settings.cpus.empty()) return parent;
  // A parent narrowed below the group's own list leaves it the parent's
  // CPUs, as cpuset.cpus.effective does on cgroup v2.
  CpuSet both = parent & g->settings.cpus;
  return both.empty() ? parent : both;
}

}  // namespace fsched
