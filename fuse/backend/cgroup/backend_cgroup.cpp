#include "backend_cgroup.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "cgroup_fs.hpp"
#include "cgroup_names.hpp"
#include "cleanup.hpp"
#include "log.hpp"
#include "proc_stat.hpp"
#include "weight.hpp"

namespace fsched {

using namespace cgnames;

Result<std::unique_ptr<CgroupBackend>> CgroupBackend::create(const std::string& cgroup_root) {
  auto mountinfo = read_small_file("/proc/self/mountinfo");
  if (!mountinfo) return make_error(EIO, "cannot read /proc/self/mountinfo");
  auto layout = choose_layout(parse_mountinfo(*mountinfo), cgroup_root, read_v2_controllers);
  if (!layout) return layout.error();
  struct stat st;
  if (::stat(layout->root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error(ENOENT, "cgroup_root " + layout->root + " is not a directory");
  auto knobs = CpuKnobs::for_layout(*layout);
  if (auto why = knobs->prepare_root(layout->root); !why.empty()) return make_error(EINVAL, why);
  if (layout->acct && !cgfs::exists(layout->acct_root)) {
    if (int e = cgfs::make_dir(layout->acct_root))
      return make_error(e, "cannot create " + layout->acct_root + ": " + std::strerror(e));
  }
  if (layout->cpuset && !cgfs::exists(layout->cpuset_root)) {
    auto cpusets = Cpusets::for_layout(*layout);
    const std::string& twin = layout->cpuset_root;
    if (int e = cpusets->make_dir(twin, twin.substr(0, twin.rfind('/'))))
      return make_error(e, "cannot create " + twin + ": " + std::strerror(e));
  }
  auto backend =
      std::unique_ptr<CgroupBackend>(new CgroupBackend(std::move(*layout), std::move(knobs)));
  backend->load_usernice();
  return backend;
}

CgroupBackend::CgroupBackend(CgroupLayout layout, std::unique_ptr<CpuKnobs> knobs)
    : layout_(std::move(layout)),
      knobs_(std::move(knobs)),
      cpusets_(Cpusets::for_layout(layout_)),
      pool_(*this, [this](const GroupPath& p) { return cpu_dir(p); }) {
  has_idle_ = knobs_->has_idle(layout_);
  log()->info("cgroup backend: v{} at {}{}{}", layout_.version, layout_.root,
              layout_.acct ? ", accounting mirrored in " + layout_.acct_root : "",
              cpusets_->mirrored() ? ", cpusets in " + layout_.cpuset_root : "");
}

int CgroupBackend::make_dir(const std::string& dir) {
  return cgfs::make_dir(dir);
}

void CgroupBackend::remove_dir(const std::string& dir) {
  cleanup::remove_dir(dir);
  // A directory made again under this name has no home xattr yet.
  std::erase_if(leaf_home_,
                [&](const auto& kv) { return kv.first == dir || kv.first.starts_with(dir + "/"); });
}

std::vector<pid_t> CgroupBackend::procs(const std::string& dir) {
  return cgfs::procs(dir);
}

std::vector<std::string> CgroupBackend::subdirs(const std::string& dir) {
  return cgfs::subdirs(dir);
}

bool CgroupBackend::supports_policy(Policy policy) const {
  return policy != Policy::idle || has_idle_;
}

std::string CgroupBackend::cpu_dir(const GroupPath& path) const {
  return group_dir(layout_.root, path);
}

std::string CgroupBackend::acct_dir(const GroupPath& path) const {
  return layout_.acct ? group_dir(layout_.acct_root, path) : cpu_dir(path);
}

CgroupBackend::Home CgroupBackend::default_home() const {
  return Home{layout_.root, layout_.acct ? layout_.acct_root : "",
              cpusets_->mirrored() ? layout_.cpuset_root : ""};
}

std::optional<CgroupBackend::Home> CgroupBackend::home_of(pid_t pid) const {
  auto text = read_small_file("/proc/" + std::to_string(pid) + "/cgroup");
  if (!text) return std::nullopt;
  auto to_abs = [](const CgroupMount& m, const std::string& rel) {
    std::string r = rel;
    if (m.root != "/" && r.starts_with(m.root)) r = r.substr(m.root.size());
    return r == "/" ? m.mount_point : m.mount_point + r;
  };
  auto cpu = cgroup_path_in(*text, layout_.version, "cpu");
  if (!cpu) return std::nullopt;
  Home h{to_abs(layout_.cpu, *cpu), "", ""};
  if (layout_.acct) {
    auto acct = cgroup_path_in(*text, 1, "cpuacct");
    h.acct = acct ? to_abs(*layout_.acct, *acct) : layout_.acct_root;
  }
  if (cpusets_->mirrored()) {
    auto cs = cgroup_path_in(*text, 1, "cpuset");
    h.cpuset = cs ? to_abs(*layout_.cpuset, *cs) : layout_.cpuset_root;
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
  bool idle = s.policy == Policy::idle;
  if (!fresh && has_idle_ && !idle)
    if (int e = cgfs::write_file(dir + "/cpu.idle", "0")) return e;
  if (!idle && (!fresh || s.weight != kDefaultWeight)) {
    if (int e = knobs_->set_weight(dir, s.weight)) return e;
  }
  if (idle)
    if (int e = cgfs::write_file(dir + "/cpu.idle", "1")) return e;
  if (!fresh || s.cpu_max != CpuMax{})
    if (int e = knobs_->set_cpu_max(dir, s.cpu_max)) return e;
  if (int e = cgfs::set_xattr(dir, kSettingsXattr, format_settings(s)))
    log()->warn("cannot keep settings of {} ({}): a restart will not find them", dir,
                std::strerror(e));
  return 0;
}

int CgroupBackend::create_group(const GroupPath& path, const GroupSettings& settings) {
  const std::string dir = cpu_dir(path);
  if (int e = cgfs::make_dir(dir)) return e;
  int e = 0;
  e = knobs_->enable_cpu(dir);
  if (!e) e = apply_settings(dir, settings, true);
  if (!e && layout_.acct) e = cgfs::make_dir(acct_dir(path));
  if (!e && cpusets_->mirrored()) {
    e = cpusets_->make_dir(cpuset_dir(path), cpuset_dir(GroupPath(path.begin(), path.end() - 1)));
    if (e) cleanup::remove_dir(cpuset_dir(path));
    if (e && layout_.acct) cleanup::remove_dir(acct_dir(path));
  }
  if (!e && (!settings.cpus.empty() || cpusets_->mirrored())) {
    settings_[path] = settings;
    e = apply_caps(path, settings);
    if (e) {
      settings_.erase(path);
      if (cpusets_->mirrored()) cleanup::remove_dir(cpuset_dir(path));
      if (layout_.acct) cleanup::remove_dir(acct_dir(path));
    }
  }
  if (e) {
    cleanup::remove_dir(dir);
    return e;
  }
  settings_[path] = settings;
  pool_.add_group(path);
  return 0;
}

int CgroupBackend::remove_group(const GroupPath& path) {
  const std::string dir = cpu_dir(path);
  // Only spare leaves and the user directories that held them are left.
  pool_.remove_all(path);
  if (int e = cgfs::remove_dir(dir)) return e == EBUSY ? ENOTEMPTY : e;
  std::erase_if(leaf_home_, [&](const auto& kv) { return kv.first.starts_with(dir + "/"); });
  acct_.drain();
  if (layout_.acct)
    if (int e = cgfs::remove_dir(acct_dir(path)))
      log()->warn("cannot remove {}: {}", acct_dir(path), std::strerror(e));
  if (cpusets_->mirrored()) cleanup::remove_dir(cpuset_dir(path));
  pool_.forget_group(path);
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
  if (next.policy != Policy::idle) {
    if (int e = knobs_->set_weight(cpu_dir(path), weight)) return e;
  }
  cleanup::set_xattr(cpu_dir(path), kSettingsXattr, format_settings(next),
                     "a restart will find the old weight");
  it->second = next;
  return 0;
}

int CgroupBackend::set_policy(const GroupPath& path, Policy policy) {
  auto it = settings_.find(path);
  if (it == settings_.end()) return ENOENT;
  if (!supports_policy(policy)) return EINVAL;
  const GroupSettings before = it->second;
  GroupSettings next = before;
  next.policy = policy;
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

void CgroupBackend::load_usernice() {
  if (auto text = cgfs::get_xattr(layout_.root, kUserniceXattr))
    usernice_ = parse_usernice_levels(*text);
}

int CgroupBackend::set_usernice(uid_t uid, int nice) {
  const std::string user_dir = std::string(kUserPrefix) + std::to_string(uid);
  auto old_it = usernice_.find(uid);
  const int old = old_it == usernice_.end() ? 0 : old_it->second;
  std::vector<std::string> done;
  for (const auto& group : pool_.groups_with_user(user_dir)) {
    const std::string dir = cpu_dir(group) + "/" + user_dir;
    if (int e = knobs_->set_nice(dir, nice)) {
      for (const auto& d : done)
        if (int e2 = knobs_->set_nice(d, old))
          log()->error("cannot restore usernice {} of {} in {}: {}", old, uid, d,
                       std::strerror(e2));
      return e;
    }
    done.push_back(dir);
  }
  if (nice == 0)
    usernice_.erase(uid);
  else
    usernice_[uid] = nice;
  if (int e = cgfs::set_xattr(layout_.root, kUserniceXattr, format_usernice_levels(usernice_)))
    log()->warn("cannot keep usernice in {} ({}): a restart will not find it", layout_.root,
                std::strerror(e));
  return 0;
}

Usage CgroupBackend::raw_usage(const GroupPath& path) const {
  // The machine's figures for 0: the root of the hierarchy that counts.
  if (path.empty())
    return knobs_->usage(layout_.acct ? layout_.acct->mount_point : layout_.cpu.mount_point);
  return knobs_->usage(acct_dir(path));
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
  // User directories stay: they hold processes, and a restart finds them.
  pool_.drop_spares();
}

}  // namespace fsched
