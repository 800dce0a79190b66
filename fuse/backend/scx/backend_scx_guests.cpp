// The scx backend's guests: loading, activation on a group's cgroup, and
// what happens when one ends (backend_scx.hpp has the model).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "backend_scx.hpp"
#include "cgroup_fs.hpp"
#include "log.hpp"
#include "replace_file.hpp"

namespace fsched {
namespace {

constexpr const char* kGuestXattr = "trusted.fsched.guest";
constexpr const char* kGuestSuffix = ".bpf.o";

std::string shown_path(const GroupPath& p) {
  std::string j = join_path(p);
  return j.empty() ? "0" : "0/" + j;
}

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

bool ScxBackend::hosts_guests() const {
  std::lock_guard lock(mu_);
  return hosts_guests_locked();
}

bool ScxBackend::hosts_guests_locked() const {
  return sched_ && sched_->form() == scx::Form::cid;
}

std::string ScxBackend::guest_support() const {
  std::lock_guard lock(mu_);
  if (!sched_)
    return "the scx backend fell back to the cgroup backend; guests need fsched's sched_ext "
           "scheduler loaded";
  if (sched_->form() != scx::Form::cid)
    return "this kernel's sched_ext has no sub-schedulers with capabilities (Linux 7.3 or "
           "later), so it cannot run guest schedulers";
  return "";
}

std::string ScxBackend::guest_file(const std::string& name) const {
  return guest_dir_ + "/" + name + kGuestSuffix;
}

int ScxBackend::register_guest(const std::string& name, std::string elf, std::string* why) {
  auto object = scx::inspect_guest(elf);
  if (!object) {
    *why = object.error().message;
    return object.error().code;
  }
  if (auto ok = scx::verify_guest(elf); !ok) {
    *why = ok.error().message;
    return ok.error().code;
  }
  LoadedGuest g;
  g.elf = std::move(elf);
  g.object = std::move(object.value());
  g.id = next_guest_id_++;
  guests_.emplace(name, std::move(g));
  return 0;
}

int ScxBackend::load_guest(const std::string& name, std::string elf, std::string* why) {
  std::lock_guard lock(mu_);
  if (!hosts_guests_locked()) {
    *why = sched_ ? "this kernel's sched_ext has no sub-schedulers with capabilities (Linux 7.3 "
                    "or later)"
                  : "fsched's sched_ext scheduler is not loaded (the scx backend fell back)";
    return EOPNOTSUPP;
  }
  if (guests_.count(name)) {
    *why = "a guest named " + name + " is loaded";
    return EEXIST;
  }
  const std::size_t size = elf.size();
  std::string copy = guest_dir_.empty() ? std::string() : elf;
  if (int e = register_guest(name, std::move(elf), why)) return e;
  log()->info("guest {}: loaded ({} bytes, scheduler \"{}\")", name, size,
              guests_.at(name).object.ops_name);
  if (guest_dir_.empty()) return 0;
  // Kept for the next daemon; a guest that cannot be kept still runs now.
  std::error_code ec;
  std::filesystem::create_directories(guest_dir_, ec);
  if (auto s = replace_file(guest_dir_, name + kGuestSuffix, copy); !s)
    log()->warn("guest {}: cannot keep it in {} ({}); it stays loaded until the daemon stops", name,
                guest_dir_, s.error().message);
  return 0;
}

int ScxBackend::unload_guest(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = guests_.find(name);
  if (it == guests_.end()) return ENOENT;
  for (const auto& [cgid, a] : active_)
    if (a.name == name) return EBUSY;
  guests_.erase(it);
  if (!guest_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove(guest_file(name), ec);
  }
  log()->info("guest {}: unloaded", name);
  return 0;
}

std::vector<GuestInfo> ScxBackend::guests() const {
  std::lock_guard lock(mu_);
  std::vector<GuestInfo> out;
  for (const auto& [name, g] : guests_) {
    GuestInfo info;
    info.name = name;
    info.ops_name = g.object.ops_name;
    info.id = g.id;
    info.knobs = g.object.knobs;
    for (const auto& [cgid, a] : active_)
      if (a.name == name) info.groups.push_back(a.path);
    info.exits.assign(g.exits.begin(), g.exits.end());
    out.push_back(std::move(info));
  }
  return out;
}

std::optional<std::string> ScxBackend::guest_of(const GroupPath& path) const {
  std::lock_guard lock(mu_);
  for (const auto& [cgid, a] : active_)
    if (a.path == path) return a.name;
  return std::nullopt;
}

int ScxBackend::activate_guest(const GroupPath& path, const std::string& name) {
  std::lock_guard lock(mu_);
  // A name that is no loaded guest is no scheduler at all: EINVAL, as for
  // any unknown policy, whether or not guests can run here.
  if (!guests_.count(name) || path.empty()) return EINVAL;
  if (!hosts_guests_locked()) return EOPNOTSUPP;
  auto same = active_.end();
  for (auto it = active_.begin(); it != active_.end(); ++it) {
    if (it->second.path == path) {
      same = it;
      continue;
    }
    // One guest per branch: the kernel gives a guest's subtree to it.
    if (has_prefix(path, it->second.path) || has_prefix(it->second.path, path)) return EBUSY;
  }
  if (same != active_.end()) {
    if (same->second.name == name) return 0;
    log()->info("guest {}: {} swaps it for {}", same->second.name, shown_path(path), name);
    detach_guest(same);
  }
  return attach_guest(path, name);
}

int ScxBackend::attach_guest(const GroupPath& path, const std::string& name) {
  const std::string dir = cg_->cpu_dir(path);
  const std::uint64_t cgid = cgroup_v2_id(dir);
  if (!cgid) return ENOENT;
  LoadedGuest& g = guests_.at(name);
  // A record left by an earlier guest on this cgroup is not about this one.
  (void)sched_->take_guest_exit(cgid);
  auto link = scx::GuestLink::attach(g.elf, cgid);
  if (!link) {
    int e = link.error().code;
    log()->warn("guest {}: cannot run {}: {}", name, shown_path(path), link.error().message);
    if (e == EBUSY) return EBUSY;
    if (e == E2BIG || e == EMLINK || e == ELOOP) return EAGAIN;  // the kernel's nesting limit
    return EINVAL;
  }
  // Attaching does not mean running: the kernel may end it while enabling.
  for (int i = 0; i < 10; ++i) {
    if (auto x = sched_->take_guest_exit(cgid)) {
      std::string why = x->describe();
      log()->warn("guest {}: the kernel ended it on {} at once: {}", name, shown_path(path), why);
      g.exits.push_back(shown_path(path) + " " + why);
      while (g.exits.size() > kKeptExits) g.exits.pop_front();
      return EINVAL;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  active_[cgid] = Activation{name, path, std::move(link.value())};
  nudge_monitor();  // it looks every 100 ms from now on
  if (cgfs::set_xattr(dir, kGuestXattr, name) != 0)
    log()->warn("guest {}: cannot note it on {} for the next daemon", name, dir);
  log()->info("guest {}: runs {}", name, shown_path(path));
  return 0;
}

void ScxBackend::detach_guest(std::map<std::uint64_t, Activation>::iterator it) {
  const std::uint64_t cgid = it->first;
  const GroupPath path = it->second.path;
  it->second.link.reset();
  active_.erase(it);
  // The kernel ends a guest asynchronously; its record must not later pass
  // for the ejection of the next guest on this cgroup.
  for (int i = 0; i < 100 && sched_; ++i) {
    if (sched_->take_guest_exit(cgid)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (cgfs::set_xattr(cg_->cpu_dir(path), kGuestXattr, "") != 0)
    log()->debug("guest: cannot clear the note on {}", shown_path(path));
}

int ScxBackend::end_guest(const GroupPath& path) {
  std::lock_guard lock(mu_);
  for (auto it = active_.begin(); it != active_.end(); ++it)
    if (it->second.path == path) {
      log()->info("guest {}: {} is handed back to the host", it->second.name, shown_path(path));
      detach_guest(it);
      break;
    }
  return 0;
}

void ScxBackend::record_exit(const Activation& a, const std::string& reason) {
  auto g = guests_.find(a.name);
  if (g == guests_.end()) return;
  g->second.exits.push_back(shown_path(a.path) + " " + reason);
  while (g->second.exits.size() > kKeptExits) g->second.exits.pop_front();
}

void ScxBackend::reap_guests() {
  for (auto it = active_.begin(); it != active_.end();) {
    auto x = sched_->take_guest_exit(it->first);
    if (!x) {
      ++it;
      continue;
    }
    Activation& a = it->second;
    std::string why = x->describe();
    if (x->overruns)
      why += " (held a CPU past the window " + std::to_string(x->overruns) + " times)";
    log()->warn("guest {}: ended on {}: {}; its processes are back under the host scheduler",
                a.name, shown_path(a.path), why);
    record_exit(a, why);
    a.link.reset();
    if (cgfs::set_xattr(cg_->cpu_dir(a.path), kGuestXattr, "") != 0)
      log()->debug("guest: cannot clear the note on {}", shown_path(a.path));
    it = active_.erase(it);
  }
}

void ScxBackend::restore_guests() {
  if (!guest_dir_.empty()) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(guest_dir_, ec)) {
      std::string file = entry.path().filename();
      if (file.size() <= std::strlen(kGuestSuffix) ||
          file.compare(file.size() - std::strlen(kGuestSuffix), std::string::npos, kGuestSuffix))
        continue;
      std::string name = file.substr(0, file.size() - std::strlen(kGuestSuffix));
      if (!hosts_guests_locked()) {
        log()->warn("guest {}: kept in {} but not loaded: {}", name, guest_dir_,
                    sched_ ? "this kernel cannot run guests" : "the scheduler is not loaded");
        continue;
      }
      auto elf = slurp(entry.path());
      std::string why;
      if (!elf || register_guest(name, std::move(*elf), &why) != 0)
        log()->warn("guest {}: kept in {} but not loaded: {}", name, guest_dir_,
                    elf ? why : "cannot read it");
      else
        log()->info("guest {}: loaded again from {}", name, guest_dir_);
    }
  }
  for (const auto& [path, name] : to_restore_) {
    if (guests_.count(name) && attach_guest(path, name) == 0) continue;
    log()->warn("guest {}: {} ran it before the restart and runs its host policy now", name,
                shown_path(path));
    if (cgfs::set_xattr(cg_->cpu_dir(path), kGuestXattr, "") != 0)
      log()->debug("guest: cannot clear the note on {}", shown_path(path));
  }
  to_restore_.clear();
}

std::vector<DiscoveredGroup> ScxBackend::discover() {
  auto groups = cg_->discover();
  for (const auto& g : groups) {
    auto name = cgfs::get_xattr(cg_->cpu_dir(g.path), kGuestXattr);
    if (name && !name->empty()) to_restore_[g.path] = *name;
  }
  return groups;
}

int ScxBackend::remove_group(const GroupPath& p) {
  if (int e = end_guest(p)) return e;
  return cg_->remove_group(p);
}

int ScxBackend::set_policy(const GroupPath& p, Policy policy) {
  if (int e = end_guest(p)) return e;
  return cg_->set_policy(p, policy);
}

int ScxBackend::move_group(const GroupPath& from, const GroupPath& to) {
  // On cgroup v2 a move may re-create the cgroups: a guest ends with its
  // old cgroup and is attached again on the new one.
  std::vector<std::pair<GroupPath, std::string>> moved;
  {
    std::lock_guard lock(mu_);
    for (auto it = active_.begin(); it != active_.end();) {
      if (!has_prefix(it->second.path, from)) {
        ++it;
        continue;
      }
      moved.emplace_back(it->second.path, it->second.name);
      auto next = std::next(it);
      detach_guest(it);
      it = next;
    }
  }
  int e = cg_->move_group(from, to);
  std::lock_guard lock(mu_);
  for (const auto& [path, name] : moved) {
    GroupPath now = e ? path : rebase(path, from, to);
    if (!hosts_guests_locked() || !guests_.count(name) || attach_guest(now, name) != 0)
      log()->warn("guest {}: could not follow {} to {}", name, shown_path(path), shown_path(now));
  }
  return e;
}

}  // namespace fsched
