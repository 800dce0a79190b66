#include "backend_cgroup.hpp"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "cgroup_fs.hpp"
#include "cleanup.hpp"
#include "cgroup_names.hpp"
#include "group_settings.hpp"
#include "log.hpp"
#include "proc_stat.hpp"
#include "weight.hpp"

namespace fsched {

namespace {
using namespace cgnames;

bool kernel_at_least(int major, int minor) {
  struct utsname u;
  if (uname(&u) != 0) return false;
  int ma = 0, mi = 0;
  if (std::sscanf(u.release, "%d.%d", &ma, &mi) != 2) return false;
  return ma > major || (ma == major && mi >= minor);
}

std::string pid_text(pid_t pid) {
  return std::to_string(pid);
}

// "user-9000/proc-3" -> "user-9000"; "proc-3" -> "".
std::string user_dir_of(const std::string& leaf_name) {
  auto slash = leaf_name.find('/');
  return slash == std::string::npos ? "" : leaf_name.substr(0, slash);
}
}  // namespace

Result<std::unique_ptr<CgroupBackend>> CgroupBackend::create(const std::string& cgroup_root) {
  auto mountinfo = read_small_file("/proc/self/mountinfo");
  if (!mountinfo) return make_error(EIO, "cannot read /proc/self/mountinfo");
  auto layout = choose_layout(parse_mountinfo(*mountinfo), cgroup_root, read_v2_controllers);
  if (!layout) return layout.error();
  struct stat st;
  if (::stat(layout->root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error(ENOENT, "cgroup_root " + layout->root + " is not a directory");
  if (layout->version == 2) {
    auto ctl = read_v2_controllers(layout->root);
    if (std::find(ctl.begin(), ctl.end(), "cpu") == ctl.end())
      return make_error(EINVAL, "the cpu controller is not available in " + layout->root +
                                    "/cgroup.controllers (enable it in the parents first)");
    auto sub = cgfs::read_file(layout->root + "/cgroup.subtree_control").value_or("");
    if (sub.find("cpu") == std::string::npos) {
      if (int e = cgfs::write_file(layout->root + "/cgroup.subtree_control", "+cpu"))
        return make_error(e, "cannot enable cpu in " + layout->root +
                                 "/cgroup.subtree_control: " + std::strerror(e) +
                                 " (cgroup v2 refuses it while that cgroup holds processes; "
                                 "choose an empty cgroup_root)");
    }
  }
  if (layout->acct && !cgfs::exists(layout->acct_root)) {
    if (int e = cgfs::make_dir(layout->acct_root))
      return make_error(e, "cannot create " + layout->acct_root + ": " + std::strerror(e));
  }
  auto backend = std::unique_ptr<CgroupBackend>(new CgroupBackend(std::move(*layout)));
  backend->load_usernice();
  return backend;
}

CgroupBackend::CgroupBackend(CgroupLayout layout) : layout_(std::move(layout)) {
  if (layout_.version == 1)
    has_idle_ = cgfs::exists(layout_.cpu.mount_point + "/cpu.idle") ||
                cgfs::exists(layout_.root + "/cpu.idle");
  else
    has_idle_ = cgfs::exists(layout_.root + "/cpu.idle") || kernel_at_least(5, 15);
  log()->info("cgroup backend: v{} at {}{}", layout_.version, layout_.root,
              layout_.acct ? ", accounting mirrored in " + layout_.acct_root : "");
}

bool CgroupBackend::supports_policy(std::string_view policy) const {
  return policy == "fair" || policy == "user-fair" || (policy == "idle" && has_idle_);
}

std::string CgroupBackend::cpu_dir(const GroupPath& path) const {
  std::string dir = layout_.root;
  for (const auto& c : path) {
    dir += '/';
    dir += kGroupPrefix;
    dir += c;
  }
  return dir;
}

std::string CgroupBackend::acct_dir(const GroupPath& path) const {
  if (!layout_.acct) return cpu_dir(path);
  std::string dir = layout_.acct_root;
  for (const auto& c : path) {
    dir += '/';
    dir += kGroupPrefix;
    dir += c;
  }
  return dir;
}

std::string CgroupBackend::leaf_dir_of(pid_t pid) const {
  auto it = leaves_.find(pid);
  if (it == leaves_.end()) return "";
  return cpu_dir(it->second.group) + "/" + it->second.name;
}

CgroupBackend::Home CgroupBackend::default_home() const {
  return Home{layout_.root, layout_.acct ? layout_.acct_root : ""};
}

std::optional<CgroupBackend::Home> CgroupBackend::home_of(pid_t pid) const {
  auto text = read_small_file("/proc/" + pid_text(pid) + "/cgroup");
  if (!text) return std::nullopt;
  auto to_abs = [](const CgroupMount& m, const std::string& rel) {
    std::string r = rel;
    if (m.root != "/" && r.starts_with(m.root)) r = r.substr(m.root.size());
    return r == "/" ? m.mount_point : m.mount_point + r;
  };
  auto cpu = cgroup_path_in(*text, layout_.version, "cpu");
  if (!cpu) return std::nullopt;
  Home h{to_abs(layout_.cpu, *cpu), ""};
  if (layout_.acct) {
    auto acct = cgroup_path_in(*text, 1, "cpuacct");
    h.acct = acct ? to_abs(*layout_.acct, *acct) : layout_.acct_root;
  }
  return h;
}

std::optional<GroupPath> CgroupBackend::locate(pid_t pid) {
  auto home = home_of(pid);
  if (!home) return std::nullopt;
  const std::string& dir = home->cpu;
  if (!dir.starts_with(layout_.root + "/")) return std::nullopt;
  std::string_view rest = std::string_view(dir).substr(layout_.root.size() + 1);
  GroupPath path;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto comp = rest.substr(0, slash);
    if (!comp.starts_with(kGroupPrefix)) break;
    path.emplace_back(comp.substr(kGroupPrefix.size()));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (path.empty() || !settings_.count(path)) return std::nullopt;
  return path;
}

int CgroupBackend::apply_settings(const std::string& dir, const GroupSettings& s, bool fresh) {
  // An idle group refuses weight writes (kernel: EINVAL), so the weight
  // goes in while it is not idle and is re-applied when it stops being so.
  bool idle = s.policy == "idle";
  if (!fresh && has_idle_ && !idle)
    if (int e = cgfs::write_file(dir + "/cpu.idle", "0")) return e;
  if (!idle && (!fresh || s.weight != kDefaultWeight)) {
    int e = layout_.version == 2
                ? cgfs::write_file(dir + "/cpu.weight", std::to_string(s.weight))
                : cgfs::write_file(dir + "/cpu.shares", std::to_string(weight_to_shares(s.weight)));
    if (e) return e;
  }
  if (idle)
    if (int e = cgfs::write_file(dir + "/cpu.idle", "1")) return e;
  if (int e = cgfs::set_xattr(dir, kSettingsXattr, format_settings(s)))
    log()->warn("cannot keep settings of {} ({}): a restart will not find them", dir,
                std::strerror(e));
  return 0;
}

int CgroupBackend::apply_nice(const std::string& leaf_dir, int nice) {
  if (layout_.version == 2)
    return cgfs::write_file(leaf_dir + "/cpu.weight.nice", std::to_string(nice));
  return cgfs::write_file(leaf_dir + "/cpu.shares", std::to_string(nice_to_load(nice)));
}

int CgroupBackend::create_group(const GroupPath& path, const GroupSettings& settings) {
  const std::string dir = cpu_dir(path);
  if (int e = cgfs::make_dir(dir)) return e;
  int e = 0;
  if (layout_.version == 2) e = cgfs::write_file(dir + "/cgroup.subtree_control", "+cpu");
  if (!e) e = apply_settings(dir, settings, true);
  if (!e && layout_.acct) e = cgfs::make_dir(acct_dir(path));
  if (e) {
    cleanup::remove_dir(dir);
    return e;
  }
  settings_[path] = settings;
  pools_[path] = Pool{};
  return 0;
}

int CgroupBackend::remove_group(const GroupPath& path) {
  const std::string dir = cpu_dir(path);
  // Only spare leaves and the user directories that held them are left.
  for (const auto& leaf : leaf_names(path)) cleanup::remove_dir(dir + "/" + leaf);
  for (const auto& name : cgfs::subdirs(dir))
    if (name.starts_with(kUserPrefix)) cleanup::remove_dir(dir + "/" + name);
  if (auto pool = pools_.find(path); pool != pools_.end()) {
    pool->second.spare.clear();
    pool->second.users.clear();
  }
  if (int e = cgfs::remove_dir(dir)) return e == EBUSY ? ENOTEMPTY : e;
  std::erase_if(leaf_home_, [&](const auto& kv) { return kv.first.starts_with(dir + "/"); });
  acct_.drain();
  if (layout_.acct)
    if (int e = cgfs::remove_dir(acct_dir(path)))
      log()->warn("cannot remove {}: {}", acct_dir(path), std::strerror(e));
  pools_.erase(path);
  settings_.erase(path);
  usage_base_.erase(path);
  return 0;
}

int CgroupBackend::set_weight(const GroupPath& path, int weight) {
  auto it = settings_.find(path);
  if (it == settings_.end()) return ENOENT;
  GroupSettings next = it->second;
  next.weight = weight;
  // Idle groups keep the weight for later; the kernel takes none now.
  if (next.policy != "idle") {
    int e = layout_.version == 2
                ? cgfs::write_file(cpu_dir(path) + "/cpu.weight", std::to_string(weight))
                : cgfs::write_file(cpu_dir(path) + "/cpu.shares",
                                   std::to_string(weight_to_shares(weight)));
    if (e) return e;
  }
  cleanup::set_xattr(cpu_dir(path), kSettingsXattr, format_settings(next),
                     "a restart will find the old weight");
  it->second = next;
  return 0;
}

int CgroupBackend::set_policy(const GroupPath& path, std::string_view policy) {
  auto it = settings_.find(path);
  if (it == settings_.end()) return ENOENT;
  if (!supports_policy(policy)) return EINVAL;
  const GroupSettings before = it->second;
  GroupSettings next = before;
  next.policy = std::string(policy);
  if (int e = apply_settings(cpu_dir(path), next, false)) {
    restore_settings(path, before);
    return e;
  }
  it->second = next;
  // Into or out of user-fair: the members change directories, not groups.
  if (int e = replace_members(path)) {
    it->second = before;
    restore_settings(path, before);
    return e;
  }
  return 0;
}

void CgroupBackend::restore_settings(const GroupPath& path, const GroupSettings& before) {
  if (int e = apply_settings(cpu_dir(path), before, false))
    log()->error("cannot restore the settings of {} after a failed change: {}", cpu_dir(path),
                 std::strerror(e));
}

int CgroupBackend::store_settings(const GroupPath& path, const GroupSettings& settings) {
  auto it = settings_.find(path);
  if (it == settings_.end()) return ENOENT;
  if (int e = cgfs::set_xattr(cpu_dir(path), kSettingsXattr, format_settings(settings))) return e;
  it->second = settings;
  return 0;
}

std::string CgroupBackend::user_dir_for(const GroupPath& group, uid_t uid) const {
  auto it = settings_.find(group);
  if (it == settings_.end() || it->second.policy != "user-fair") return "";
  return std::string(kUserPrefix) + std::to_string(uid);
}

int CgroupBackend::open_user_dir(const GroupPath& group, const std::string& user_dir) {
  Pool& pool = pools_[group];
  if (pool.users.count(user_dir)) return 0;
  const std::string dir = cpu_dir(group) + "/" + user_dir;
  int e = cgfs::make_dir(dir);
  if (e == EEXIST) e = 0;  // left by an earlier daemon: re-weighed below
  if (!e && layout_.version == 2) e = cgfs::write_file(dir + "/cgroup.subtree_control", "+cpu");
  unsigned long uid = std::strtoul(user_dir.c_str() + kUserPrefix.size(), nullptr, 10);
  auto level = usernice_.find(static_cast<uid_t>(uid));
  if (!e) e = apply_nice(dir, level == usernice_.end() ? 0 : level->second);
  if (e) {
    cleanup::remove_dir(dir);
    return e;
  }
  pool.users[user_dir] = 0;
  return 0;
}

void CgroupBackend::close_user_dir(const GroupPath& group, const std::string& user_dir) {
  auto pool = pools_.find(group);
  if (pool == pools_.end()) return;
  const std::string dir = cpu_dir(group) + "/" + user_dir;
  std::erase_if(pool->second.spare, [&](const std::string& leaf) {
    if (user_dir_of(leaf) != user_dir) return false;
    cleanup::remove_dir(cpu_dir(group) + "/" + leaf);
    return true;
  });
  std::erase_if(leaf_home_, [&](const auto& kv) { return kv.first.starts_with(dir + "/"); });
  cleanup::remove_dir(dir);
  pool->second.users.erase(user_dir);
}

std::vector<std::string> CgroupBackend::leaf_names(const GroupPath& group) const {
  std::vector<std::string> out;
  const std::string dir = cpu_dir(group);
  for (const auto& name : cgfs::subdirs(dir)) {
    if (name.starts_with(kLeafPrefix)) out.push_back(name);
    if (!name.starts_with(kUserPrefix)) continue;
    for (const auto& leaf : cgfs::subdirs(dir + "/" + name))
      if (leaf.starts_with(kLeafPrefix)) out.push_back(name + "/" + leaf);
  }
  return out;
}

int CgroupBackend::take_leaf(const GroupPath& group, const std::string& user_dir,
                             std::string* name) {
  Pool& pool = pools_[group];
  for (auto it = pool.spare.rbegin(); it != pool.spare.rend(); ++it) {
    if (user_dir_of(*it) != user_dir) continue;
    *name = *it;
    pool.spare.erase(std::next(it).base());
    return 0;
  }
  const std::string dir = cpu_dir(group) + "/" + (user_dir.empty() ? "" : user_dir + "/");
  for (int tries = 0; tries < 64; ++tries) {
    std::string candidate = std::string(kLeafPrefix) + std::to_string(pool.next++);
    int e = cgfs::make_dir(dir + candidate);
    if (e == EEXIST) continue;
    if (e) return e;
    *name = user_dir.empty() ? candidate : user_dir + "/" + candidate;
    return 0;
  }
  return EAGAIN;
}

void CgroupBackend::recycle(const Leaf& leaf) {
  auto pool = pools_.find(leaf.group);
  if (pool == pools_.end()) return;  // the group went away with it
  const std::string dir = cpu_dir(leaf.group) + "/" + leaf.name;
  auto stragglers = cgfs::procs(dir);
  if (!stragglers.empty()) {
    // Children forked into the leaf before their fork was reported: the
    // first inherits the leaf, the others get theirs when reported.
    Leaf heir = leaf;
    leaves_[stragglers.front()] = heir;
    return;
  }
  if ((leaf.traits.nice != 0 && apply_nice(dir, 0) != 0) ||
      pool->second.spare.size() >= kMaxSpareLeaves) {
    cleanup::remove_dir(dir);
    leaf_home_.erase(dir);
  } else {
    pool->second.spare.push_back(leaf.name);
  }
  // A user with no process left here stops competing: drop the directory.
  if (auto user_dir = user_dir_of(leaf.name); !user_dir.empty()) {
    auto count = pool->second.users.find(user_dir);
    if (count == pool->second.users.end() || --count->second <= 0)
      close_user_dir(leaf.group, user_dir);
  }
}

int CgroupBackend::place_in_leaf(pid_t pid, const GroupPath& group, const MemberTraits& traits,
                                 const Home& home, Leaf* out) {
  const std::string user_dir = user_dir_for(group, traits.uid);
  if (!user_dir.empty())
    if (int e = open_user_dir(group, user_dir)) return e;
  std::string name;
  if (int e = take_leaf(group, user_dir, &name)) {
    if (!user_dir.empty() && pools_[group].users[user_dir] == 0) close_user_dir(group, user_dir);
    return e;
  }
  if (!user_dir.empty()) ++pools_[group].users[user_dir];
  const std::string dir = cpu_dir(group) + "/" + name;
  int e = traits.nice != 0 ? apply_nice(dir, traits.nice) : 0;
  if (!e) {
    std::string text = home.cpu + "\n" + home.acct;
    auto& known = leaf_home_[dir];
    if (known != text && cgfs::set_xattr(dir, kHomeXattr, text) == 0) known = text;
    e = cgfs::write_file(dir + "/cgroup.procs", pid_text(pid));
  }
  if (e) {
    recycle(Leaf{group, name, traits, home});
    return e;
  }
  if (layout_.acct) acct_.push(acct_dir(group), pid);
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
    int e = place_in_leaf(pid, group, leaf.traits, leaf.home, &placed);
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
  int e = place_in_leaf(child, group, traits, home, &placed);
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
  if (int e = apply_nice(dir, nice))
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
  if (int e = place_in_leaf(pid, old.group, old.traits, old.home, &placed)) {
    if (e != ESRCH)
      log()->warn("cannot re-place {} under its new owner {}: {}", pid, uid, std::strerror(e));
    return;
  }
  leaves_[pid] = placed;
  recycle(old);
}

void CgroupBackend::load_usernice() {
  auto text = cgfs::get_xattr(layout_.root, kUserniceXattr);
  if (!text) return;
  std::istringstream in(*text);
  long uid = 0, nice = 0;
  while (in >> uid >> nice)
    if (uid >= 0 && nice >= -20 && nice <= 19 && nice != 0)
      usernice_[static_cast<uid_t>(uid)] = static_cast<int>(nice);
}

int CgroupBackend::set_usernice(uid_t uid, int nice) {
  const std::string user_dir = std::string(kUserPrefix) + std::to_string(uid);
  auto old_it = usernice_.find(uid);
  const int old = old_it == usernice_.end() ? 0 : old_it->second;
  std::vector<std::string> done;
  for (const auto& [group, pool] : pools_) {
    if (!pool.users.count(user_dir)) continue;
    const std::string dir = cpu_dir(group) + "/" + user_dir;
    if (int e = apply_nice(dir, nice)) {
      for (const auto& d : done)
        if (int e2 = apply_nice(d, old))
          log()->error("cannot restore usernice {} of {} in {}: {}", old, uid, d, std::strerror(e2));
      return e;
    }
    done.push_back(dir);
  }
  if (nice == 0)
    usernice_.erase(uid);
  else
    usernice_[uid] = nice;
  std::string text;
  for (const auto& [u, n] : usernice_) text += std::to_string(u) + " " + std::to_string(n) + "\n";
  if (int e = cgfs::set_xattr(layout_.root, kUserniceXattr, text))
    log()->warn("cannot keep usernice in {} ({}): a restart will not find it", layout_.root,
                std::strerror(e));
  return 0;
}

Usage CgroupBackend::raw_usage(const GroupPath& path) const {
  Usage u;
  if (layout_.version == 2) {
    std::string dir = path.empty() ? layout_.cpu.mount_point : cpu_dir(path);
    auto text = cgfs::read_file(dir + "/cpu.stat");
    if (!text) return u;
    std::istringstream in(*text);
    std::string key;
    std::uint64_t value;
    while (in >> key >> value) {
      if (key == "usage_usec") u.usage_usec = value;
      if (key == "user_usec") u.user_usec = value;
      if (key == "system_usec") u.system_usec = value;
    }
    return u;
  }
  std::string dir = path.empty()
                        ? (layout_.acct ? layout_.acct->mount_point : layout_.cpu.mount_point)
                        : acct_dir(path);
  auto ns = [&](const char* file) {
    auto v = cgfs::read_integer(dir + "/" + file);
    return v && *v > 0 ? static_cast<std::uint64_t>(*v) / 1000 : 0;
  };
  u.usage_usec = ns("cpuacct.usage");
  u.user_usec = ns("cpuacct.usage_user");
  u.system_usec = ns("cpuacct.usage_sys");
  return u;
}

Usage CgroupBackend::group_usage(const GroupPath& path) {
  Usage u = raw_usage(path);
  if (auto it = usage_base_.find(path); it != usage_base_.end()) {
    u.usage_usec += it->second.usage_usec;
    u.user_usec += it->second.user_usec;
    u.system_usec += it->second.system_usec;
  }
  return u;
}

void CgroupBackend::shutdown() {
  acct_.drain();
  for (auto& [path, pool] : pools_) {
    for (const auto& leaf : pool.spare) cleanup::remove_dir(cpu_dir(path) + "/" + leaf);
    pool.spare.clear();
    // User directories stay: they hold processes, and a restart finds them.
  }
}

}  // namespace fsched
