// The tree's groups: building it from the backend, queries, and the
// changes users make to groups (mkdir, rmdir, rename, settings). Its
// processes are in tree_processes.cpp.
#include "tree.hpp"

#include <linux/fs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "log.hpp"
#include "names.hpp"
#include "permissions.hpp"
#include "policies.hpp"
#include "ranges.hpp"

namespace fsched {

Tree::Tree(Backend& backend, ProcessPinner pinner, Limits limits)
    : backend_(backend), pinner_(std::move(pinner)), limits_(limits) {
  Group host;
  host.id = kHostGroup;
  host.parent = kHostGroup;
  host.name = "0";
  host.settings.mode = 01777;
  host.ctime_sec = std::time(nullptr);
  groups_.emplace(kHostGroup, std::move(host));
}

void Tree::load(const std::vector<ProcessInfo>& processes) {
  usernice_ = backend_.usernice_levels();
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

int Tree::depth_of(GroupId id) const {
  int depth = 0;
  for (; id != kHostGroup; id = groups_.at(id).parent) ++depth;
  return depth;
}

int Tree::subtree_height(GroupId id) const {
  int below = 0;
  for (const auto& [name, child] : groups_.at(id).children)
    below = std::max(below, subtree_height(child));
  return 1 + below;
}

int Tree::owned_by(uid_t uid) const {
  int n = 0;
  for (const auto& [id, g] : groups_)
    if (!g.is_host() && g.settings.uid == uid) ++n;
  return n;
}

// The checks run in the order the kernel's VFS makes them (the name's
// lookup, then permission, then the filesystem's own rules), so the daemon
// answers what the kernel would have answered from a fresh cache.
int Tree::make_group(GroupId parent, std::string_view name, mode_t mode, const Cred& cred,
                     GroupId* out) {
  const Group* p = group(parent);
  if (!p) return ENOENT;
  pid_t pid = 0;
  if (p->children.count(name) || is_reserved_name(name) ||
      (pid_from_name(name, &pid) && p->procs.count(pid)))
    return EEXIST;
  if (int e = may_create_in(*p, cred)) return e;
  if (int e = check_group_name(name)) return e;
  if (depth_of(parent) + 1 > limits_.max_depth) return EAGAIN;
  if (static_cast<int>(groups_.size()) - 1 >= limits_.max_groups) return EAGAIN;
  if (!cred.is_root() && owned_by(cred.uid) >= limits_.max_groups_per_user) return EAGAIN;
  GroupSettings s;
  s.policy = p->settings.policy;
  s.uid = cred.uid;
  s.gid = cred.gid;
  s.mode = mode & 07777;
  // A setgid group hands its gid down, as a setgid directory does.
  if (p->settings.mode & S_ISGID) {
    s.gid = p->settings.gid;
    s.mode |= S_ISGID;
  }
  GroupPath path = path_of(parent);
  path.emplace_back(name);
  if (int e = backend_.create_group(path, s)) return e;
  GroupId id = add_group(parent, std::string(name), s);
  if (out) *out = id;
  return 0;
}

int Tree::ensure_group(const GroupPath& path, GroupId* out) {
  GroupId at = kHostGroup;
  for (const auto& name : path) {
    if (auto id = child(at, name)) {
      at = *id;
      continue;
    }
    GroupId made = kHostGroup;
    if (int e = make_group(at, name, 0755, Cred{}, &made)) return e;
    // A rule's group is `fair` whatever its parent's policy, as the spec
    // has it: the admin chooses another by writing `scheduler`.
    if (groups_.at(made).settings.policy != kDefaultPolicy) {
      if (int e = set_policy(made, policy_name(kDefaultPolicy), Cred{})) {
        // Not left half made, with its parent's policy: the next try makes
        // it afresh.
        if (int r = remove_group(at, name, Cred{}))
          log()->warn("cannot remove 0/{}, whose policy could not be made {}: {}; it keeps {}",
                      join_path(path_of(made)), policy_name(kDefaultPolicy), std::strerror(r),
                      policy_name(groups_.at(made).settings.policy));
        return e;
      }
    }
    at = made;
  }
  if (out) *out = at;
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
      if (proc && proc->group == parent) {
        if (int e = group_access(*p, W_OK | X_OK, cred)) return e;
        return EPERM;
      }
    }
    return ENOENT;
  }
  const Group& g = groups_.at(*id);
  if (int e = may_remove(*p, g, cred)) return e;
  if (!g.procs.empty() || !g.children.empty()) return ENOTEMPTY;
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
    const std::uint64_t named = it->second.info.start_time;
    auto pin = pinner_(pid);
    if (!pin || pin->info().start_time != named) {
      // The directory named a process that has exited; its number may
      // already belong to another, which must not move in its place.
      process_gone(pid);
      if (pin) process_found(pin->info());
      return ESRCH;
    }
    Process* p = adopt_pinned(pin->info());
    if (!p) return EINVAL;
    // A rename is always someone else's hand: mv(1) is its own process.
    int e = move_pinned(*p, *pin, new_parent, cred);
    if (!e) mark_placed(*p, Placement::hand);
    return e;
  }
  auto id = child(parent, name);
  if (!id) return is_reserved_name(name) ? EPERM : ENOENT;
  if (new_parent == parent && new_name == name) return noreplace ? EEXIST : 0;
  if (in_subtree(*id, new_parent)) return EINVAL;
  // Replacing a group (even an empty one) would drop its owner's settings;
  // cgroupfs refuses the same way.
  if (child(new_parent, new_name)) return EEXIST;
  const Group& g = groups_.at(*id);
  if (int e = may_move_group(groups_.at(parent), g, groups_.at(new_parent), cred)) return e;
  if (int e = check_group_name(new_name)) return e;
  if (depth_of(new_parent) + subtree_height(*id) > limits_.max_depth) return EAGAIN;
  return move_group(*id, new_parent, new_name);
}

int Tree::move_group(GroupId id, GroupId new_parent, std::string_view new_name) {
  Group& g = groups_.at(id);
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

int Tree::controlled_group(GroupId id, const Cred& cred, Group** out) {
  auto it = groups_.find(id);
  if (it == groups_.end()) return ENOENT;
  Group& g = it->second;
  // The parent's owner splits the parent's CPU; 0's controls are root's.
  if (int e = may_set_group_control(g.is_host() ? nullptr : group(g.parent), cred)) return e;
  *out = &g;
  return 0;
}

int Tree::set_weight(GroupId id, int weight, const Cred& cred) {
  Group* found = nullptr;
  if (int e = controlled_group(id, cred, &found)) return e;
  Group& g = *found;
  if (g.is_host()) return EPERM;
  if (!kWeightRange.contains(weight)) return ERANGE;
  if (g.settings.weight == weight) return 0;
  if (int e = backend_.set_weight(path_of(id), weight)) return e;
  g.settings.weight = weight;
  return 0;
}

int Tree::set_policy(GroupId id, std::string_view name, const Cred& cred) {
  Group* found = nullptr;
  if (int e = controlled_group(id, cred, &found)) return e;
  Group& g = *found;
  auto known = policy_from_name(name);
  if (!known) {
    // A guest scheduler (docs/guests.md): the backend holds them. The
    // group keeps its built-in policy for when the guest ends.
    if (g.is_host()) return EINVAL;
    return backend_.activate_guest(path_of(id), std::string(name));
  }
  if (!backend_.supports_policy(*known)) return EINVAL;
  const Policy policy = *known;
  // The host group is the kernel's own scheduling of everything not in a
  // guest; the backends here cannot give it another policy.
  if (g.is_host() && policy != g.settings.policy) return EINVAL;
  if (g.settings.policy == policy) return g.is_host() ? 0 : backend_.end_guest(path_of(id));
  if (int e = backend_.set_policy(path_of(id), policy)) return e;
  g.settings.policy = policy;
  return 0;
}

int Tree::chmod_group(GroupId id, mode_t mode, const Cred& cred) {
  auto it = groups_.find(id);
  if (it == groups_.end()) return ENOENT;
  Group& g = it->second;
  if (g.is_host()) return EPERM;
  if (int e = may_chmod(g, cred)) return e;
  GroupSettings next = g.settings;
  next.mode = chmod_mode(g, mode, cred);
  if (next.mode == g.settings.mode) return 0;
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
  if (next.uid == g.settings.uid && next.gid == g.settings.gid) return 0;
  if (int e = backend_.store_settings(path_of(id), next)) return e;
  g.settings = next;
  return 0;
}

std::vector<EntryChange> Tree::drain_changes() {
  std::vector<EntryChange> out;
  out.swap(changes_);
  return out;
}

}  // namespace fsched
