// The cgroup backend's structural work: rebuilding its state from cgroupfs
// after a restart, and moving whole groups (rename, re-parent).
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "backend_cgroup.hpp"
#include "cgroup_fs.hpp"
#include "cgroup_names.hpp"
#include "cleanup.hpp"
#include "log.hpp"
#include "proc_stat.hpp"
#include "weight.hpp"
#include "xattr_codecs.hpp"

namespace fsched {

namespace {
using namespace cgnames;

template <typename Map>
void rekey_map(Map& map, const GroupPath& from, const GroupPath& to) {
  std::vector<typename Map::key_type> keys;
  for (const auto& [k, v] : map)
    if (has_prefix(k, from)) keys.push_back(k);
  std::vector<std::pair<GroupPath, typename Map::mapped_type>> moved;
  for (const auto& k : keys) {
    moved.emplace_back(rebase(k, from, to), std::move(map.at(k)));
    map.erase(k);
  }
  for (auto& [k, v] : moved) map.emplace(std::move(k), std::move(v));
}

MemberTraits traits_of(pid_t pid) {
  MemberTraits t;
  if (auto st = read_proc_stat(pid)) t.nice = st->nice;
  if (auto ids = read_proc_ids(pid)) t.uid = ids->uid;
  return t;
}
}  // namespace

std::vector<DiscoveredGroup> CgroupBackend::discover() {
  settings_.clear();
  pool_.clear();
  leaves_.clear();
  usage_base_.clear();
  std::vector<DiscoveredGroup> out;
  std::vector<std::pair<pid_t, GroupPath>> homeless;
  scan_group({}, out, homeless);
  cpuset_joined_ = false;
  if (cpusets_->mirrored()) {
    for (const auto& [path, s] : settings_) cpuset_joined_ = cpuset_joined_ || !s.cpus.empty();
    cpuset_joined_ = cpuset_joined_ || mirror_holds_members(layout_.cpuset_root);
  }
  // Processes that share a leaf or sit in a group's own directory (forked
  // while no daemon ran) get a leaf of their own now.
  for (const auto& [pid, group] : homeless) {
    if (leaves_.count(pid)) continue;
    Leaf placed;
    if (place_in_leaf(pid, group, traits_of(pid), default_home(), &placed) == 0)
      leaves_.emplace(pid, placed);
  }
  // v1 mirrors hold effective lists: the parents' may have changed.
  if (cpusets_->mirrored())
    if (int e = apply_cpus({}))
      log()->warn("cannot give the groups their CPUs: {}", std::strerror(e));
  // A user directory no process is left in (they exited while no daemon
  // ran) stops competing.
  pool_.close_unused_users();
  // Owners that changed while no daemon ran, and members left in the
  // other layout by a policy switch cut short, are re-placed.
  for (const auto& d : out)
    if (int e = replace_members(d.path))
      log()->warn("cannot re-place the members of {}: {}", cpu_dir(d.path), std::strerror(e));
  log()->info("cgroup backend: found {} groups and {} processes in them", out.size(),
              leaves_.size());
  return out;
}

void CgroupBackend::scan_group(const GroupPath& path, std::vector<DiscoveredGroup>& out,
                               std::vector<std::pair<pid_t, GroupPath>>& homeless) {
  const std::string dir = cpu_dir(path);
  if (!path.empty())
    for (pid_t pid : cgfs::procs(dir)) homeless.emplace_back(pid, path);
  auto names = cgfs::subdirs(dir);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (name.starts_with(kGroupPrefix)) {
      GroupPath child = path;
      child.push_back(name.substr(kGroupPrefix.size()));
      const std::string cdir = dir + "/" + name;
      std::optional<GroupSettings> s;
      if (auto x = cgfs::get_xattr(cdir, kSettingsXattr)) s = parse_settings(*x);
      if (!s) {
        // No record of ours: take what the kernel files say.
        s = GroupSettings{};
        if (auto w = knobs_->weight(cdir)) s->weight = *w;
        if (cgfs::read_integer(cdir + "/cpu.idle").value_or(0) == 1) s->policy = Policy::idle;
        struct stat st;
        if (::stat(cdir.c_str(), &st) == 0) {
          s->uid = st.st_uid;
          s->gid = st.st_gid;
        }
      }
      settings_[child] = *s;
      pool_.add_group(child);
      if (layout_.acct && !cgfs::exists(acct_dir(child))) cleanup::make_dir(acct_dir(child));
      if (cpusets_->mirrored() && !cgfs::exists(cpuset_dir(child)))
        if (int e = cpusets_->make_dir(cpuset_dir(child), cpuset_dir(path)))
          log()->warn("cannot create {}: {}", cpuset_dir(child), std::strerror(e));
      if (auto text = cgfs::get_xattr(cdir, kUsageXattr))
        if (auto base = parse_usage(*text)) usage_base_[child] = *base;
      out.push_back({child, *s});
      scan_group(child, out, homeless);
    } else if (!path.empty() && name.starts_with(kLeafPrefix)) {
      scan_leaf(path, name, homeless);
    } else if (!path.empty() && name.starts_with(kUserPrefix)) {
      // A user directory of a user-fair group: weighed by today's usernice.
      if (pool_.open_user(path, name, usernice_of(name)) != 0) continue;
      for (pid_t pid : cgfs::procs(dir + "/" + name)) homeless.emplace_back(pid, path);
      for (const auto& leaf : cgfs::subdirs(dir + "/" + name))
        if (leaf.starts_with(kLeafPrefix)) scan_leaf(path, name + "/" + leaf, homeless);
    }
  }
}

void CgroupBackend::scan_leaf(const GroupPath& path, const std::string& name,
                              std::vector<std::pair<pid_t, GroupPath>>& homeless) {
  const std::string ldir = cpu_dir(path) + "/" + name;
  auto pids = cgfs::procs(ldir);
  pool_.adopt(path, name, !pids.empty());
  if (pids.empty()) return;
  Home home = default_home();
  if (auto x = cgfs::get_xattr(ldir, kHomeXattr))
    if (auto h = parse_home(*x)) home = *h;
  pid_t owner = pids.front();
  MemberTraits traits = traits_of(owner);
  if (int e = knobs_->set_nice(ldir, traits.nice))
    log()->warn("cannot weigh {} by its nice level {}: {}", owner, traits.nice, std::strerror(e));
  leaves_[owner] = Leaf{path, name, traits, home};
  for (std::size_t i = 1; i < pids.size(); ++i) homeless.emplace_back(pids[i], path);
}

void CgroupBackend::rekey(const GroupPath& from, const GroupPath& to) {
  // Leaf directories move with the group; their cached homes are re-read.
  leaf_home_.clear();
  acct_.drain();
  rekey_map(settings_, from, to);
  pool_.rekey(from, to);
  rekey_map(usage_base_, from, to);
  for (auto& [pid, leaf] : leaves_)
    if (has_prefix(leaf.group, from)) leaf.group = rebase(leaf.group, from, to);
}

int CgroupBackend::move_group(const GroupPath& from, const GroupPath& to) {
  if (!settings_.count(from)) return ENOENT;
  if (settings_.count(to)) return EEXIST;
  bool same_parent =
      from.size() == to.size() && std::equal(from.begin(), from.end() - 1, to.begin());
  // cgroup v1 renames a directory in place; v2 cannot, and neither
  // re-parents, so those are re-created at the destination.
  if (knobs_->renames_in_place() && same_parent) {
    if (::rename(cpu_dir(from).c_str(), cpu_dir(to).c_str()) != 0) return errno;
    if (layout_.acct && ::rename(acct_dir(from).c_str(), acct_dir(to).c_str()) != 0) {
      int e = errno;
      if (::rename(cpu_dir(to).c_str(), cpu_dir(from).c_str()) != 0)
        log()->error("cannot undo the rename of {} to {}: {}", cpu_dir(from), cpu_dir(to),
                     std::strerror(errno));
      return e;
    }
    if (cpusets_->mirrored() && ::rename(cpuset_dir(from).c_str(), cpuset_dir(to).c_str()) != 0)
      log()->warn("cannot rename the cpuset {} to {}: {}", cpuset_dir(from), cpuset_dir(to),
                  std::strerror(errno));
    rekey(from, to);
    return 0;
  }
  return migrate(from, to);
}

int CgroupBackend::migrate(const GroupPath& from, const GroupPath& to) {
  std::vector<GroupPath> subtree;  // parents first: map order
  for (const auto& [p, s] : settings_)
    if (has_prefix(p, from)) subtree.push_back(p);

  std::vector<GroupPath> created;
  auto undo_groups = [&] {
    for (auto it = created.rbegin(); it != created.rend(); ++it)
      if (int e = remove_group(*it))
        log()->warn("cannot remove {} after a failed move: {}", cpu_dir(*it), std::strerror(e));
  };
  for (const auto& src : subtree) {
    GroupPath dst = rebase(src, from, to);
    Usage carried = group_usage(src);
    if (int e = create_group(dst, settings_.at(src))) {
      undo_groups();
      return e;
    }
    created.push_back(dst);
    usage_base_[dst] = carried;
    cleanup::set_xattr(cpu_dir(dst), kUsageXattr, format_usage(carried),
                       "a restart counts the group's usage from zero");
  }

  struct Moved {
    pid_t pid;
    Leaf old;
    Leaf now;
  };
  std::vector<Moved> moved;
  for (const auto& [pid, leaf] : leaves_) {
    if (!has_prefix(leaf.group, from)) continue;
    Leaf placed;
    int e = place_in_leaf(pid, rebase(leaf.group, from, to), leaf.traits, leaf.home, &placed);
    if (e == ESRCH) continue;  // exited meanwhile; its exit is reported later
    if (e) {
      for (const auto& m : moved) {
        cleanup::write_file(cpu_dir(m.old.group) + "/" + m.old.name + "/cgroup.procs",
                            std::to_string(m.pid), "undoing a group move");
        if (layout_.acct) acct_.push(acct_dir(m.old.group), m.pid);
      }
      undo_groups();
      return e;
    }
    moved.push_back({pid, leaf, placed});
  }
  for (const auto& m : moved) leaves_[m.pid] = m.now;

  // Children forked into the old leaves while we moved follow them.
  for (int round = 0; round < 3; ++round) {
    bool any = false;
    for (const auto& src : subtree) {
      for (const auto& name : pool_.leaf_names(src)) {
        for (pid_t pid : cgfs::procs(cpu_dir(src) + "/" + name)) {
          any = true;
          Leaf placed;
          if (place_in_leaf(pid, rebase(src, from, to), traits_of(pid), default_home(), &placed) ==
              0)
            leaves_[pid] = placed;
        }
      }
    }
    if (!any) break;
  }

  acct_.drain();
  for (auto it = subtree.rbegin(); it != subtree.rend(); ++it) {
    const std::string dir = cpu_dir(*it);
    pool_.remove_all(*it);
    std::erase_if(leaf_home_, [&](const auto& kv) { return kv.first.starts_with(dir + "/"); });
    if (int e = cgfs::remove_dir(dir)) log()->warn("cannot remove {}: {}", dir, std::strerror(e));
    if (layout_.acct) cleanup::remove_dir(acct_dir(*it));
    if (cpusets_->mirrored()) cleanup::remove_dir(cpuset_dir(*it));
    settings_.erase(*it);
    pool_.forget_group(*it);
    usage_base_.erase(*it);
  }
  return 0;
}

}  // namespace fsched
