#include "tree.hpp"

#include <linux/fs.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "log.hpp"
#include "names.hpp"
#include "permissions.hpp"
#include "policies.hpp"

namespace fsched {

Tree::Tree(Backend& backend, ProcessProbe probe) : backend_(backend), probe_(std::move(probe)) {
  Group host;
  host.id = kHostGroup;
  host.parent = kHostGroup;
  host.name = "0";
  host.settings.mode = 01777;
  host.ctime_sec = std::time(nullptr);
  groups_.emplace(kHostGroup, std::move(host));
}

void Tree::load(const std::vector<ProcessInfo>& processes) {
  for (const auto& d : backend_.discover()) {
    if (d.path.empty()) continue;
    GroupPath parent_path(d.path.begin(), d.path.end() - 1);
    auto parent = find(parent_path);
    if (!parent) {
      log()->warn("ignoring group {}: its parent is unknown", join_path(d.path));
      continue;
    }
    add_group(*parent, d.path.back(), d.settings);
  }
  for (const auto& info : processes) {
    if (info.kernel_thread) continue;
    GroupId g = kHostGroup;
    if (auto path = backend_.locate(info.pid)) {
      if (auto id = find(*path)) g = *id;
    }
    process_appeared(info, g);
  }
}

const Group* Tree::group(GroupId id) const {
  auto it = groups_.find(id);
  return it == groups_.end() ? nullptr : &it->second;
}

const Process* Tree::process(pid_t pid) const {
  auto it = procs_.find(pid);
  return it == procs_.end() ? nullptr : &it->second;
}

std::optional<GroupId> Tree::child(GroupId parent, std::string_view name) const {
  const Group* g = group(parent);
  if (!g) return std::nullopt;
  auto it = g->children.find(name);
  if (it == g->children.end()) return std::nullopt;
  return it->second;
}

GroupPath Tree::path_of(GroupId id) const {
  GroupPath path;
  while (id != kHostGroup) {
    const Group& g = groups_.at(id);
    path.push_back(g.name);
    id = g.parent;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::optional<GroupId> Tree::find(const GroupPath& path) const {
  GroupId id = kHostGroup;
  for (const auto& c : path) {
    auto next = child(id, c);
    if (!next) return std::nullopt;
    id = *next;
  }
  return id;
}

std::vector<GroupId> Tree::group_ids() const {
  std::vector<GroupId> ids;
  ids.reserve(groups_.size());
  for (const auto& [id, g] : groups_) ids.push_back(id);
  return ids;
}

bool Tree::in_subtree(GroupId root, GroupId id) const {
  for (;;) {
    if (id == root) return true;
    if (id == kHostGroup) return false;
    id = groups_.at(id).parent;
  }
}

GroupId Tree::add_group(GroupId parent, std::string name, const GroupSettings& settings) {
  GroupId id = next_id_++;
  Group g;
  g.id = id;
  g.parent = parent;
  g.name = name;
  g.settings = settings;
  g.ctime_sec = std::time(nullptr);
  groups_.emplace(id, std::move(g));
  groups_.at(parent).children.emplace(std::move(name), id);
  return id;
}

int Tree::make_group(GroupId parent, std::string_view name, mode_t mode, const Cred& cred,
                     GroupId* out) {
  const Group* p = group(parent);
  if (!p) return ENOENT;
  if (int e = check_group_name(name)) return e;
  if (p->children.count(name)) return EEXIST;
  if (int e = may_create_in(*p, cred)) return e;
  GroupSettings s;
  s.policy = p->settings.policy;
  s.uid = cred.uid;
  s.gid = cred.gid;
  s.mode = mode & 07777;
  GroupPath path = path_of(parent);
  path.emplace_back(name);
  if (int e = backend_.create_group(path, s)) return e;
  GroupId id = add_group(parent, std::string(name), s);
  if (out) *out = id;
  return 0;
}

int Tree::remove_group(GroupId parent, std::string_view name, const Cred& cred) {
  const Group* p = group(parent);
  if (!p) return ENOENT;
  auto id = child(parent, name);
  if (!id) {
    if (is_reserved_name(name)) return ENOTDIR;
    pid_t pid = 0;
    if (pid_from_name(name, &pid)) {
      const Process* proc = process(pid);
      if (proc && proc->group == parent) return EPERM;
    }
    return ENOENT;
  }
  const Group& g = groups_.at(*id);
  if (!g.procs.empty() || !g.children.empty()) return ENOTEMPTY;
  if (int e = may_remove(*p, g, cred)) return e;
  if (int e = backend_.remove_group(path_of(*id))) return e;
  groups_.at(parent).children.erase(g.name);
  groups_.erase(*id);
  return 0;
}

int Tree::rename(GroupId parent, std::string_view name, GroupId new_parent,
                 std::string_view new_name, unsigned flags, const Cred& cred) {
  // RENAME_EXCHANGE cannot mean anything sensible for a process or a group.
  if (flags & ~static_cast<unsigned>(RENAME_NOREPLACE)) return EINVAL;
  bool noreplace = flags & RENAME_NOREPLACE;
  if (!group(parent) || !group(new_parent)) return ENOENT;

  if (is_all_digits(name)) {
    pid_t pid = 0;
    if (!pid_from_name(name, &pid)) return ENOENT;
    auto it = procs_.find(pid);
    if (it == procs_.end() || it->second.group != parent) return ENOENT;
    // A process keeps its pid as its name; anything else would be a lie.
    if (new_name != name) return EINVAL;
    if (new_parent == parent) return noreplace ? EEXIST : 0;
    return move_known_process(it->second, new_parent, cred);
  }
  auto id = child(parent, name);
  if (!id) return is_reserved_name(name) ? EPERM : ENOENT;
  if (new_parent == parent && new_name == name) return noreplace ? EEXIST : 0;
  if (int e = check_group_name(new_name)) return e;
  if (in_subtree(*id, new_parent)) return EINVAL;
  // Replacing a group (even an empty one) would drop its owner's settings;
  // cgroupfs refuses the same way.
  if (child(new_parent, new_name)) return EEXIST;
  return move_group(*id, new_parent, new_name, cred);
}

int Tree::move_group(GroupId id, GroupId new_parent, std::string_view new_name, const Cred& cred) {
  Group& g = groups_.at(id);
  if (int e = may_move_group(groups_.at(g.parent), g, groups_.at(new_parent), cred)) return e;
  GroupPath to = path_of(new_parent);
  to.emplace_back(new_name);
  if (int e = backend_.move_group(path_of(id), to)) return e;
  changes_.push_back({g.parent, g.name});
  groups_.at(g.parent).children.erase(g.name);
  g.parent = new_parent;
  g.name = std::string(new_name);
  groups_.at(new_parent).children.emplace(g.name, id);
  return 0;
}

int Tree::move_process(pid_t pid, GroupId to, const Cred& cred) {
  if (!group(to)) return ENOENT;
  auto it = procs_.find(pid);
  if (it == procs_.end()) {
    // Not reported by the watcher yet (just forked), or not a process we
    // list at all.
    auto info = probe_ ? probe_(pid) : std::nullopt;
    if (!info) return ESRCH;
    if (info->kernel_thread) return EINVAL;
    GroupId g = kHostGroup;
    if (auto path = backend_.locate(pid))
      if (auto id = find(*path)) g = *id;
    process_appeared(*info, g);
    it = procs_.find(pid);
  }
  return move_known_process(it->second, to, cred);
}

int Tree::move_known_process(Process& p, GroupId to, const Cred& cred) {
  if (p.group == to) return 0;
  if (int e = may_move_process(p.info.uid, groups_.at(p.group), groups_.at(to), cred)) return e;
  int e = backend_.move_process(p.info.pid, path_of(to), p.info.nice);
  if (e == ESRCH) {
    process_gone(p.info.pid);
    return ESRCH;
  }
  if (e) return e;
  changes_.push_back({p.group, std::to_string(p.info.pid)});
  groups_.at(p.group).procs.erase(p.info.pid);
  groups_.at(to).procs.insert(p.info.pid);
  p.group = to;
  return 0;
}

int Tree::set_weight(GroupId id, int weight, const Cred& cred) {
  auto it = groups_.find(id);
  if (it == groups_.end()) return ENOENT;
  Group& g = it->second;
  if (g.is_host()) return EPERM;
  if (weight < 1 || weight > 10000) return ERANGE;
  if (int e = may_set_group_control(g, group(g.parent), cred)) return e;
  if (g.settings.weight == weight) return 0;
  if (int e = backend_.set_weight(path_of(id), weight)) return e;
  g.settings.weight = weight;
  return 0;
}

int Tree::set_policy(GroupId id, std::string_view policy, const Cred& cred) {
  auto it = groups_.find(id);
  if (it == groups_.end()) return ENOENT;
  Group& g = it->second;
  if (!find_policy(policy) || !backend_.supports_policy(policy)) return EINVAL;
  // The host group is the kernel's own scheduling of everything not in a
  // guest; the backends here cannot give it another policy.
  if (g.is_host() && policy != g.settings.policy) return EINVAL;
  if (int e = may_set_group_control(g, g.is_host() ? nullptr : group(g.parent), cred)) return e;
  if (g.settings.policy == policy) return 0;
  if (int e = backend_.set_policy(path_of(id), policy)) return e;
  g.settings.policy = std::string(policy);
  return 0;
}

int Tree::chmod_group(GroupId id, mode_t mode, const Cred& cred) {
  auto it = groups_.find(id);
  if (it == groups_.end()) return ENOENT;
  Group& g = it->second;
  if (g.is_host()) return EPERM;
  if (int e = may_chmod(g, cred)) return e;
  GroupSettings next = g.settings;
  next.mode = mode & 07777;
  if (int e = backend_.store_settings(path_of(id), next)) return e;
  g.settings = next;
  return 0;
}

int Tree::chown_group(GroupId id, uid_t uid, gid_t gid, const Cred& cred) {
  auto it = groups_.find(id);
  if (it == groups_.end()) return ENOENT;
  Group& g = it->second;
  if (g.is_host()) return EPERM;
  GroupSettings next = g.settings;
  if (uid != static_cast<uid_t>(-1)) next.uid = uid;
  if (gid != static_cast<gid_t>(-1)) next.gid = gid;
  if (int e = may_chown(g, next.uid, next.gid, cred)) return e;
  if (int e = backend_.store_settings(path_of(id), next)) return e;
  g.settings = next;
  return 0;
}

void Tree::process_appeared(const ProcessInfo& info, GroupId group_id) {
  if (info.kernel_thread) return;
  auto it = procs_.find(info.pid);
  if (it != procs_.end()) {
    if (it->second.info.start_time == info.start_time) return;
    process_gone(info.pid);  // the pid was recycled
  }
  if (!groups_.count(group_id)) group_id = kHostGroup;
  procs_.emplace(info.pid, Process{info, group_id});
  groups_.at(group_id).procs.insert(info.pid);
}

void Tree::process_forked(const ProcessInfo& child, pid_t parent) {
  if (child.kernel_thread || procs_.count(child.pid)) return;
  GroupId g = kHostGroup;
  if (auto it = procs_.find(parent); it != procs_.end()) {
    g = it->second.group;
  } else if (auto path = backend_.locate(child.pid)) {
    if (auto id = find(*path)) g = *id;
  }
  process_appeared(child, g);
  if (g != kHostGroup) backend_.process_forked(child.pid, parent, path_of(g), child.nice);
}

void Tree::process_found(const ProcessInfo& info) {
  if (info.kernel_thread || procs_.count(info.pid)) return;
  GroupId g = kHostGroup;
  if (auto path = backend_.locate(info.pid))
    if (auto id = find(*path)) g = *id;
  process_appeared(info, g);
  if (g != kHostGroup) backend_.process_forked(info.pid, 0, path_of(g), info.nice);
}

void Tree::process_gone(pid_t pid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) return;
  GroupId g = it->second.group;
  groups_.at(g).procs.erase(pid);
  procs_.erase(it);
  changes_.push_back({g, std::to_string(pid)});
  if (g != kHostGroup) backend_.process_exited(pid);
}

void Tree::process_reniced(pid_t pid, int nice) {
  auto it = procs_.find(pid);
  if (it == procs_.end() || it->second.info.nice == nice) return;
  it->second.info.nice = nice;
  if (it->second.group != kHostGroup) backend_.process_reniced(pid, nice);
}

std::vector<EntryChange> Tree::drain_changes() {
  std::vector<EntryChange> out;
  out.swap(changes_);
  return out;
}

}  // namespace fsched
