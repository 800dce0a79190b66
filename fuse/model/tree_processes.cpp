// The tree's members: moving processes between groups (pinned, so a
// recycled pid never moves in another's place) and what the watcher reports
// about them. The groups themselves are in tree.cpp.
#include <cerrno>
#include <chrono>
#include <cstring>

#include "log.hpp"
#include "permissions.hpp"
#include "ranges.hpp"
#include "tree.hpp"

namespace fsched {

namespace {
MemberTraits traits_of(const ProcessInfo& info) {
  return MemberTraits{info.nice, info.uid};
}
}  // namespace

int Tree::move_process(pid_t pid, GroupId to, const Cred& cred, Placement how) {
  if (!group(to)) return ENOENT;
  // The pin comes first: every fact used below is about the process that
  // has this number now, and stays about it.
  auto pin = pinner_(pid);
  if (!pin) return ESRCH;
  Process* p = adopt_pinned(pin->info());
  if (!p) return EINVAL;  // a kernel thread
  int e = move_pinned(*p, *pin, to, cred);
  if (!e) mark_placed(*p, how);
  return e;
}

int Tree::place_process(pid_t pid, std::uint64_t start_time, GroupId to) {
  if (!group(to)) return ENOENT;
  auto pin = pinner_(pid);
  // The rule matched facts about the process that had this number then; a
  // process that has it now is another, which that rule says nothing of.
  if (!pin || pin->info().start_time != start_time) return ESRCH;
  Process* p = adopt_pinned(pin->info());
  if (!p || p->placement != Placement::rule) return 0;
  return move_pinned(*p, *pin, to, Cred{});
}

void Tree::mark_placed(Process& p, Placement how) {
  ++placements_version_;
  p.placement = how;
  p.placed_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::steady_clock::now().time_since_epoch())
                                               .count());
}

void Tree::process_execed(pid_t pid, std::uint64_t exec_ns) {
  auto it = procs_.find(pid);
  if (it == procs_.end() || it->second.placement != Placement::hand) return;
  // An exec that happened before the move, reported after it, is not
  // "its next exec".
  if (exec_ns != 0 && exec_ns <= it->second.placed_ns) return;
  ++placements_version_;
  it->second.placement = Placement::rule;
}

void Tree::set_placement(pid_t pid, Placement how) {
  if (auto it = procs_.find(pid); it != procs_.end() && it->second.placement != how) {
    ++placements_version_;
    it->second.placement = how;
  }
}

Process* Tree::adopt_pinned(const ProcessInfo& info) {
  if (info.kernel_thread) return nullptr;
  auto it = procs_.find(info.pid);
  if (it != procs_.end() && it->second.info.start_time != info.start_time) {
    process_gone(info.pid);
    it = procs_.end();
  }
  if (it == procs_.end()) {
    // Not reported by the watcher yet (just forked): placed where the
    // kernel has it.
    process_found(info);
    return &procs_.at(info.pid);
  }
  // The owner and nice level may have changed since the watcher looked
  // (nobody polls a process in `0`): the pin is newer.
  process_ids_changed(info.pid, info.uid, info.gid);
  process_reniced(info.pid, info.nice);
  return &it->second;
}

int Tree::move_pinned(Process& p, const ProcessPin& pin, GroupId to, const Cred& cred) {
  const pid_t pid = p.info.pid;
  if (int e = may_move_process(p.info.uid, groups_.at(p.group), groups_.at(to), cred)) return e;
  if (p.group == to) return 0;
  int e = backend_.move_process(pid, path_of(to), traits_of(p.info));
  if (!pin.alive()) {
    // It exited while we moved it. If its number already names another
    // process, our write may have moved that one: put it back.
    undo_recycled_move(pid);
    return ESRCH;
  }
  if (e) return e;
  changes_.push_back({p.group, std::to_string(pid)});
  groups_.at(p.group).procs.erase(pid);
  groups_.at(to).procs.insert(pid);
  p.group = to;
  ++placements_version_;
  return 0;
}

void Tree::undo_recycled_move(pid_t pid) {
  process_gone(pid);
  // process_gone tells the backend only about members of guest groups; a
  // process taken out of 0 may have got its place there just now.
  backend_.process_exited(pid);
  auto successor = pinner_(pid);
  if (!successor || successor->info().kernel_thread) return;
  const ProcessInfo& info = successor->info();
  log()->warn("pid {} was reused during a move; returning the new process to its parent's group",
              pid);
  process_found(info);
  Process& q = procs_.at(pid);
  GroupId home = kHostGroup;
  if (auto parent = procs_.find(info.ppid); parent != procs_.end()) home = parent->second.group;
  if (q.group == home) return;
  if (int e = backend_.move_process(pid, path_of(home), traits_of(info))) {
    log()->warn("cannot return pid {} to its parent's group: {}; it stays in {}", pid,
                std::strerror(e), q.group == kHostGroup ? "0" : "0/" + join_path(path_of(q.group)));
    return;
  }
  changes_.push_back({q.group, std::to_string(pid)});
  groups_.at(q.group).procs.erase(pid);
  groups_.at(home).procs.insert(pid);
  q.group = home;
  ++placements_version_;
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
  ++placements_version_;
  groups_.at(group_id).procs.insert(info.pid);
}

void Tree::process_forked(const ProcessInfo& child, pid_t parent) {
  if (child.kernel_thread || procs_.count(child.pid)) return;
  GroupId g = kHostGroup;
  Placement how = Placement::rule;
  if (auto it = procs_.find(parent); it != procs_.end()) {
    g = it->second.group;
    how = it->second.placement;  // where the parent was put, the child is
  } else if (auto path = backend_.locate(child.pid)) {
    if (auto id = find(*path)) g = *id;
  }
  process_appeared(child, g);
  procs_.at(child.pid).placement = how;
  if (g != kHostGroup) backend_.process_forked(child.pid, parent, path_of(g), traits_of(child));
}

void Tree::process_found(const ProcessInfo& info) {
  if (info.kernel_thread || procs_.count(info.pid)) return;
  GroupId g = kHostGroup;
  if (auto path = backend_.locate(info.pid))
    if (auto id = find(*path)) g = *id;
  process_appeared(info, g);
  if (g != kHostGroup) backend_.process_forked(info.pid, 0, path_of(g), traits_of(info));
}

void Tree::process_gone(pid_t pid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) return;
  GroupId g = it->second.group;
  groups_.at(g).procs.erase(pid);
  procs_.erase(it);
  ++placements_version_;
  changes_.push_back({g, std::to_string(pid)});
  if (g != kHostGroup) backend_.process_exited(pid);
}

void Tree::process_ids_changed(pid_t pid, uid_t uid, gid_t gid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) return;
  const bool new_owner = it->second.info.uid != uid;
  it->second.info.uid = uid;
  it->second.info.gid = gid;
  if (new_owner && it->second.group != kHostGroup) backend_.process_uid_changed(pid, uid);
}

int Tree::set_usernice(uid_t uid, int nice, const Cred& cred) {
  if (!kUserniceRange.contains(nice)) return ERANGE;
  auto it = usernice_.find(uid);
  const int now = it == usernice_.end() ? 0 : it->second;
  // As nice(2): a user may lower their own priority, only root raises it.
  if (!cred.is_root() && (cred.uid != uid || nice < now)) return EPERM;
  if (nice == now) return 0;
  if (int e = backend_.set_usernice(uid, nice)) return e;
  if (nice == 0)
    usernice_.erase(uid);
  else
    usernice_[uid] = nice;
  return 0;
}

void Tree::process_reniced(pid_t pid, int nice) {
  auto it = procs_.find(pid);
  if (it == procs_.end() || it->second.info.nice == nice) return;
  it->second.info.nice = nice;
  if (it->second.group != kHostGroup) backend_.process_reniced(pid, nice);
}

}  // namespace fsched
