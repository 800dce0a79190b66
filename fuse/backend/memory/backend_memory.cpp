#include "backend_memory.hpp"

#include <cerrno>

namespace fsched {

int MemoryBackend::take_failure() {
  int e = fail_next;
  fail_next = 0;
  return e;
}

bool MemoryBackend::supports_policy(Policy) const {
  return true;
}

std::vector<DiscoveredGroup> MemoryBackend::discover() {
  std::vector<DiscoveredGroup> out;
  for (const auto& [path, s] : groups) out.push_back({path, s});  // map order: parents first
  return out;
}

std::optional<GroupPath> MemoryBackend::locate(pid_t pid) {
  auto it = placement.find(pid);
  if (it == placement.end()) return std::nullopt;
  return it->second;
}

int MemoryBackend::create_group(const GroupPath& path, const GroupSettings& settings) {
  if (int e = take_failure()) return e;
  if (groups.count(path)) return EEXIST;
  groups[path] = settings;
  return 0;
}

int MemoryBackend::remove_group(const GroupPath& path) {
  if (int e = take_failure()) return e;
  return groups.erase(path) ? 0 : ENOENT;
}

int MemoryBackend::move_group(const GroupPath& from, const GroupPath& to) {
  if (int e = take_failure()) return e;
  std::map<GroupPath, GroupSettings> next;
  for (auto& [path, s] : groups) next[has_prefix(path, from) ? rebase(path, from, to) : path] = s;
  groups.swap(next);
  for (auto& [pid, path] : placement)
    if (has_prefix(path, from)) path = rebase(path, from, to);
  return 0;
}

int MemoryBackend::set_weight(const GroupPath& path, int weight) {
  if (int e = take_failure()) return e;
  groups.at(path).weight = weight;
  return 0;
}

int MemoryBackend::set_policy(const GroupPath& path, Policy policy) {
  if (int e = take_failure()) return e;
  groups.at(path).policy = policy;
  return 0;
}

int MemoryBackend::store_settings(const GroupPath& path, const GroupSettings& settings) {
  if (int e = take_failure()) return e;
  groups.at(path) = settings;
  return 0;
}

int MemoryBackend::set_cpu_max(const GroupPath& path, const CpuMax& max) {
  if (int e = take_failure()) return e;
  groups.at(path).cpu_max = max;
  return 0;
}

int MemoryBackend::set_cpus(const GroupPath& path, const CpuSet& cpus) {
  if (int e = take_failure()) return e;
  groups.at(path).cpus = cpus;
  return 0;
}

std::optional<Throttling> MemoryBackend::group_throttling(const GroupPath& path) {
  auto it = throttling.find(path);
  if (it == throttling.end()) return std::nullopt;
  return it->second;
}

int MemoryBackend::move_process(pid_t pid, const GroupPath& to, const MemberTraits& traits) {
  if (int e = take_failure()) return e;
  if (before_move) before_move(pid);
  if (to.empty())
    placement.erase(pid);
  else
    placement[pid] = to;
  nice[pid] = traits.nice;
  owner[pid] = traits.uid;
  return 0;
}

void MemoryBackend::process_forked(pid_t child, pid_t, const GroupPath& group,
                                   const MemberTraits& traits) {
  placement[child] = group;
  nice[child] = traits.nice;
  owner[child] = traits.uid;
}

void MemoryBackend::process_exited(pid_t pid) {
  placement.erase(pid);
  nice.erase(pid);
  owner.erase(pid);
}

void MemoryBackend::process_uid_changed(pid_t pid, uid_t uid) {
  if (placement.count(pid)) owner[pid] = uid;
}

int MemoryBackend::set_usernice(uid_t uid, int n) {
  if (int e = take_failure()) return e;
  if (n == 0)
    usernice.erase(uid);
  else
    usernice[uid] = n;
  return 0;
}

void MemoryBackend::process_reniced(pid_t pid, int n) {
  nice[pid] = n;
}

Usage MemoryBackend::group_usage(const GroupPath& path) {
  auto it = usage.find(path);
  return it == usage.end() ? Usage{} : it->second;
}

}  // namespace fsched
