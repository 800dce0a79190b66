// The cgroup backend's caps (the spec's "Caps"): cpu.max through the cpu
// controller (CpuKnobs), `cpus` through cpusets (Cpusets: the group's own
// directory on v2, a mirror in the cpuset hierarchy on v1).
#include <cerrno>
#include <cstring>

#include "backend_cgroup.hpp"
#include "cgroup_fs.hpp"
#include "cgroup_names.hpp"
#include "cleanup.hpp"
#include "log.hpp"
#include "proc_stat.hpp"

namespace fsched {

using namespace cgnames;

std::string CgroupBackend::cpuset_dir(const GroupPath& path) const {
  return layout_.cpuset ? group_dir(layout_.cpuset_root, path) : cpu_dir(path);
}

CpuSet CgroupBackend::online_cpus() const {
  return read_cpu_list_file("/sys/devices/system/cpu/online").value_or(CpuSet{});
}

int CgroupBackend::set_cpu_max(const GroupPath& path, const CpuMax& max) {
  auto it = settings_.find(path);
  if (it == settings_.end()) return ENOENT;
  if (int e = knobs_->set_cpu_max(cpu_dir(path), max)) return e;
  it->second.cpu_max = max;
  cleanup::set_xattr(cpu_dir(path), kSettingsXattr, format_settings(it->second),
                     "a restart will find the old cpu.max");
  return 0;
}

int CgroupBackend::set_cpus(const GroupPath& path, const CpuSet& cpus) {
  auto it = settings_.find(path);
  if (it == settings_.end()) return ENOENT;
  if (auto why = cpusets_->unsupported(); !why.empty()) {
    log()->warn("cannot give {} its own CPUs: {}", cpu_dir(path), why);
    return EOPNOTSUPP;
  }
  const CpuSet before = it->second.cpus;
  it->second.cpus = cpus;
  int e = apply_caps(path, it->second);
  if (e) {
    it->second.cpus = before;
    if (int e2 = apply_caps(path, it->second))
      log()->error("cannot restore the CPUs of {}: {}", cpu_dir(path), std::strerror(e2));
    return e;
  }
  cleanup::set_xattr(cpu_dir(path), kSettingsXattr, format_settings(it->second),
                     "a restart will find the old cpus");
  // v1: members below join the mirror now that their CPUs are limited.
  if (cpusets_->mirrored() && !cpus.empty()) cpuset_joined_ = true;
  if (cpusets_->mirrored() && !cpus.empty())
    for (const auto& [pid, leaf] : leaves_)
      if (has_prefix(leaf.group, path)) follow_cpuset(pid, cpuset_dir(leaf.group));
  return 0;
}

int CgroupBackend::apply_caps(const GroupPath& path, const GroupSettings& s) {
  if (cpusets_->mirrored()) return apply_cpus(path);
  if (s.cpus.empty() && !cgfs::exists(cpu_dir(path) + "/cpuset.cpus")) return 0;
  // v2: the controller is enabled from cgroup_root down to the group's
  // parent, only once some group asks for CPUs.
  for (std::size_t n = 0; n < path.size(); ++n)
    if (int e = cpusets_->enable(cpu_dir(GroupPath(path.begin(), path.begin() + n)))) return e;
  return cpusets_->write(cpu_dir(path), s.cpus);
}

int CgroupBackend::apply_cpus(const GroupPath& top) {
  std::vector<GroupPath> subtree;  // parents first: map order
  for (const auto& [p, s] : settings_)
    if (has_prefix(p, top)) subtree.push_back(p);
  std::map<GroupPath, CpuSet> now, next;
  for (const auto& p : subtree) {
    GroupPath parent(p.begin(), p.end() - 1);
    CpuSet above = next.count(parent) ? next[parent] : cpusets_->cpus(cpuset_dir(parent));
    const CpuSet& own = settings_.at(p).cpus;
    CpuSet both = own.empty() ? above : above & own;
    next[p] = both.empty() ? above : both;
    now[p] = cpusets_->cpus(cpuset_dir(p));
  }
  // Widen top-down to both lists, then narrow bottom-up to the new one:
  // every step keeps each directory within its parent, as v1 requires.
  auto write = [&](const GroupPath& p, const CpuSet& to, std::map<GroupPath, CpuSet>& held) {
    if (held[p] == to) return 0;
    if (int e = cpusets_->write(cpuset_dir(p), to)) return e;
    held[p] = to;
    return 0;
  };
  std::map<GroupPath, CpuSet> held = now;
  int e = 0;
  for (const auto& p : subtree)
    if ((e = write(p, now[p] | next[p], held))) break;
  for (auto it = subtree.rbegin(); !e && it != subtree.rend(); ++it)
    e = write(*it, next[*it], held);
  if (e)
    log()->warn("cannot give the groups under {} their CPUs: {}", cpuset_dir(top),
                std::strerror(e));
  return e;
}

bool CgroupBackend::cpus_limited(const GroupPath& group) const {
  for (std::size_t n = 1; n <= group.size(); ++n) {
    auto it = settings_.find(GroupPath(group.begin(), group.begin() + n));
    if (it != settings_.end() && !it->second.cpus.empty()) return true;
  }
  return false;
}

bool CgroupBackend::in_cpuset_mirror(pid_t pid) const {
  if (!layout_.cpuset || !cpuset_joined_) return false;
  auto text = read_small_file("/proc/" + std::to_string(pid) + "/cpuset");
  if (!text) return false;
  std::string rel = text->substr(0, text->find('\n'));
  const CgroupMount& m = *layout_.cpuset;
  if (m.root != "/" && rel.starts_with(m.root)) rel = rel.substr(m.root.size());
  return (m.mount_point + rel).starts_with(layout_.cpuset_root + "/" + std::string(kGroupPrefix));
}

bool CgroupBackend::mirror_holds_members(const std::string& dir) {
  for (const auto& sub : subdirs(dir)) {
    if (!sub.starts_with(kGroupPrefix)) continue;
    if (!procs(dir + "/" + sub).empty() || mirror_holds_members(dir + "/" + sub)) return true;
  }
  return false;
}

void CgroupBackend::follow_cpuset(pid_t pid, const std::string& dir) {
  if (!cpusets_->mirrored()) return;
  if (int e = cgfs::write_file(dir + "/cgroup.procs", std::to_string(pid)); e && e != ESRCH)
    log()->warn("cannot move {} into the cpuset {}: {}", pid, dir, std::strerror(e));
}

std::optional<Throttling> CgroupBackend::group_throttling(const GroupPath& path) {
  if (!settings_.count(path)) return std::nullopt;
  return knobs_->throttling(cpu_dir(path));
}

}  // namespace fsched
