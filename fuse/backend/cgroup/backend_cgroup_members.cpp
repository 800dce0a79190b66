// The cgroup backend's members: a leaf per process, taken from the pool
// when a process is moved in, forks or changes owner, returned when it
// leaves or exits.
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "backend_cgroup.hpp"
#include "cgroup_fs.hpp"
#include "cgroup_names.hpp"
#include "cleanup.hpp"
#include "log.hpp"

namespace fsched {

using namespace cgnames;

namespace {
std::string pid_text(pid_t pid) {
  return std::to_string(pid);
}
}  // namespace

std::string CgroupBackend::user_dir_for(const GroupPath& group, uid_t uid) const {
  auto it = settings_.find(group);
  if (it == settings_.end() || it->second.policy != Policy::user_fair) return "";
  return std::string(kUserPrefix) + std::to_string(uid);
}

int CgroupBackend::usernice_of(const std::string& user_dir) const {
  unsigned long uid = std::strtoul(user_dir.c_str() + kUserPrefix.size(), nullptr, 10);
  auto level = usernice_.find(static_cast<uid_t>(uid));
  return level == usernice_.end() ? 0 : level->second;
}

void CgroupBackend::recycle(const Leaf& leaf) {
  if (auto heir = pool_.release(leaf.group, leaf.name, leaf.traits.nice)) {
    // Children forked into the leaf before their fork was reported: the
    // first inherits the leaf, the others get theirs when reported.
    leaves_[*heir] = leaf;
  }
}

int CgroupBackend::place_in_leaf(pid_t pid, const GroupPath& group, const MemberTraits& traits,
                                 const Home& home, Leaf* out, bool join_cpuset) {
  const std::string user_dir = user_dir_for(group, traits.uid);
  if (!user_dir.empty())
    if (int e = pool_.open_user(group, user_dir, usernice_of(user_dir))) return e;
  std::string name;
  if (int e = pool_.take(group, user_dir, &name)) return e;
  const std::string dir = cpu_dir(group) + "/" + name;
  int e = traits.nice != 0 ? knobs_->set_nice(dir, traits.nice) : 0;
  if (!e) {
    std::string text = format_home(home);
    auto& known = leaf_home_[dir];
    if (known != text && cgfs::set_xattr(dir, kHomeXattr, text) == 0) known = text;
    e = cgfs::write_file(dir + "/cgroup.procs", pid_text(pid));
  }
  if (e) {
    recycle(Leaf{group, name, traits, home});
    return e;
  }
  if (layout_.acct) acct_.push(acct_dir(group), pid);
  if (join_cpuset && cpusets_->mirrored() && (cpus_limited(group) || in_cpuset_mirror(pid)))
    follow_cpuset(pid, cpuset_dir(group));
  *out = Leaf{group, name, traits, home};
  return 0;
}

int CgroupBackend::replace_members(const GroupPath& group) {
  struct Moved {
    pid_t pid;
    Leaf old;
    Leaf now;
  };
  std::vector<Moved> moved;
  std::vector<std::pair<pid_t, Leaf>> todo;
  for (const auto& [pid, leaf] : leaves_)
    if (leaf.group == group && user_dir_of(leaf.name) != user_dir_for(group, leaf.traits.uid))
      todo.emplace_back(pid, leaf);
  for (const auto& [pid, leaf] : todo) {
    Leaf placed;
    int e = place_in_leaf(pid, group, leaf.traits, leaf.home, &placed, false);
    if (e == ESRCH) continue;  // exited meanwhile; its exit is reported later
    if (e) {
      for (const auto& m : moved) {
        cleanup::write_file(cpu_dir(group) + "/" + m.old.name + "/cgroup.procs", pid_text(m.pid),
                            "undoing a policy switch");
        recycle(m.now);
      }
      return e;
    }
    moved.push_back({pid, leaf, placed});
  }
  for (const auto& m : moved) {
    leaves_[m.pid] = m.now;
    recycle(m.old);
  }
  return 0;
}

int CgroupBackend::move_process(pid_t pid, const GroupPath& to, const MemberTraits& traits) {
  auto it = leaves_.find(pid);
  if (to.empty()) {
    if (it == leaves_.end()) return 0;
    Leaf old = it->second;
    int e = cgfs::write_file(old.home.cpu + "/cgroup.procs", pid_text(pid));
    if (e == ENOENT && old.home.cpu != layout_.root) {
      log()->info("home cgroup {} of {} is gone; returning it to {}", old.home.cpu, pid,
                  layout_.root);
      old.home = default_home();
      e = cgfs::write_file(old.home.cpu + "/cgroup.procs", pid_text(pid));
    }
    if (e) return e;
    if (layout_.acct && !old.home.acct.empty()) acct_.push(old.home.acct, pid, layout_.acct_root);
    if (cpusets_->mirrored() && in_cpuset_mirror(pid)) {
      const std::string& cs = old.home.cpuset.empty() ? layout_.cpuset_root : old.home.cpuset;
      if (cgfs::write_file(cs + "/cgroup.procs", pid_text(pid)) != 0)
        follow_cpuset(pid, layout_.cpuset_root);
    }
    leaves_.erase(it);
    recycle(old);
    return 0;
  }
  if (!settings_.count(to)) return ENOENT;
  Home home;
  if (it != leaves_.end()) {
    home = it->second.home;
  } else {
    auto h = home_of(pid);
    if (!h) return ESRCH;
    home = *h;
    // Already inside one of our groups (found there without a leaf): it
    // has no home in 0 we know of.
    if (home.cpu.starts_with(layout_.root + "/" + std::string(kGroupPrefix))) home = default_home();
  }
  Leaf placed;
  if (int e = place_in_leaf(pid, to, traits, home, &placed)) return e;
  if (it != leaves_.end()) {
    Leaf old = it->second;
    it->second = placed;
    recycle(old);
  } else {
    leaves_.emplace(pid, placed);
  }
  return 0;
}

void CgroupBackend::process_forked(pid_t child, pid_t parent, const GroupPath& group,
                                   const MemberTraits& traits) {
  if (leaves_.count(child) || !settings_.count(group)) return;
  auto p = leaves_.find(parent);
  Home home = p != leaves_.end() ? p->second.home : default_home();
  Leaf placed;
  int e = place_in_leaf(child, group, traits, home, &placed, false);
  if (e == 0)
    leaves_.emplace(child, placed);
  else if (e != ESRCH)  // it competes in its parent's leaf until the next rescan
    log()->warn("cannot give {} (forked in {}) a leaf: {}", child, cpu_dir(group),
                std::strerror(e));
}

void CgroupBackend::process_exited(pid_t pid) {
  auto it = leaves_.find(pid);
  if (it == leaves_.end()) return;
  Leaf old = it->second;
  leaves_.erase(it);
  recycle(old);
}

void CgroupBackend::process_reniced(pid_t pid, int nice) {
  auto it = leaves_.find(pid);
  if (it == leaves_.end() || it->second.traits.nice == nice) return;
  const std::string dir = cpu_dir(it->second.group) + "/" + it->second.name;
  if (int e = knobs_->set_nice(dir, nice))
    log()->warn("cannot weigh {} by its new nice level {}: {}", pid, nice, std::strerror(e));
  else
    it->second.traits.nice = nice;
}

void CgroupBackend::process_uid_changed(pid_t pid, uid_t uid) {
  auto it = leaves_.find(pid);
  if (it == leaves_.end() || it->second.traits.uid == uid) return;
  it->second.traits.uid = uid;
  const Leaf old = it->second;
  if (user_dir_of(old.name) == user_dir_for(old.group, uid)) return;
  Leaf placed;
  if (int e = place_in_leaf(pid, old.group, old.traits, old.home, &placed, false)) {
    if (e != ESRCH)
      log()->warn("cannot re-place {} under its new owner {}: {}", pid, uid, std::strerror(e));
    return;
  }
  leaves_[pid] = placed;
  recycle(old);
}

}  // namespace fsched
