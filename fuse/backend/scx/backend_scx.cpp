#include "backend_scx.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "cgroup_fs.hpp"
#include "log.hpp"

namespace fsched {

std::uint64_t cgroup_v2_id(const std::string& dir) {
  struct stat st;
  return ::stat(dir.c_str(), &st) == 0 ? st.st_ino : 0;  // cgroup v2: the inode is the id
}

namespace {

// Cgroups with cpu.idle set anywhere in the hierarchy: a freshly loaded
// scheduler is told every cgroup's weight but not whether it is idle.
std::vector<std::uint64_t> idle_cgroups(const std::string& mount_point) {
  namespace fs = std::filesystem;
  std::vector<std::uint64_t> ids;
  std::error_code ec;
  for (fs::recursive_directory_iterator
           it(mount_point, fs::directory_options::skip_permission_denied, ec),
       end;
       it != end && ids.size() < 4096; it.increment(ec)) {
    if (ec) break;
    if (!it->is_directory(ec)) continue;
    std::ifstream in(it->path() / "cpu.idle");
    int idle = 0;
    if (in >> idle && idle == 1) ids.push_back(cgroup_v2_id(it->path()));
  }
  return ids;
}

bool wait_disabled(std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    std::ifstream in("/sys/kernel/sched_ext/state");
    std::string s;
    if (in >> s && s == "disabled") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<ScxBackend>> ScxBackend::create(const std::string& cgroup_root,
                                                       const std::string& guest_dir,
                                                       const scx::Knobs& knobs) {
  if (auto why = scx::unavailable_reason(); !why.empty())
    return make_error(ENOTSUP, "backend=scx: " + why);
  auto cg = CgroupBackend::create(cgroup_root);
  if (!cg) return cg.error();
  if ((*cg)->layout().version != 2)
    return make_error(ENOTSUP,
                      "backend=scx needs the cpu controller on cgroup v2 (the scheduler learns "
                      "the tree through sched_ext's cgroup callbacks); this machine has it on v1");
  std::unique_ptr<ScxBackend> b(
      new ScxBackend(std::move(cg.value()), guest_dir == "none" ? "" : guest_dir, knobs));
  if (auto st = b->load_scheduler(); !st) return st.error();
  return b;
}

ScxBackend::ScxBackend(std::unique_ptr<CgroupBackend> cg, std::string guest_dir,
                       scx::Knobs knobs)
    : cg_(std::move(cg)), guest_dir_(std::move(guest_dir)), knobs_(knobs) {}

ScxBackend::~ScxBackend() {
  stop_monitor();
}

void ScxBackend::nudge_monitor() {
  if (!wake_) return;
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
}

void ScxBackend::stop_monitor() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  nudge_monitor();
  if (monitor_.joinable()) monitor_.join();
}

Status ScxBackend::load_scheduler() {
  auto s = scx::Scheduler::load(knobs_, idle_cgroups(cg_->layout().cpu.mount_point));
  if (!s) return s.error();
  std::lock_guard lock(mu_);
  sched_ = std::move(s.value());
  enforcing_ = true;
  log()->info("scx backend: sched_ext scheduler fsched loaded ({} form{}, slice {} us)",
              sched_->form() == scx::Form::cid ? "cid" : "cpu",
              sched_->form() == scx::Form::cid ? ", hosts guests" : "", knobs_.slice_ns / 1000);
  return Ok{};
}

// Wakes when the kernel ejects the scheduler (POLLHUP on its link) or,
// while guests run, every 100 ms to reap those that ended (a guest's end
// is recorded in a map, with no fd to wait on). With no guest it also
// looks once a second, for kernels whose links cannot be polled: an idle
// daemon should not wake ten times a second for nothing.
void ScxBackend::monitor() {
  bool reloaded = false;
  std::unique_lock lock(mu_);
  while (!stop_) {
    pollfd fds[2] = {{wake_.get(), POLLIN, 0}, {sched_ ? sched_->link_fd() : -1, 0, 0}};
    const int timeout_ms = active_.empty() ? 1000 : 100;
    lock.unlock();
    if (::poll(fds, 2, timeout_ms) > 0 && (fds[0].revents & POLLIN)) {
      std::uint64_t n;
      [[maybe_unused]] auto r = ::read(wake_.get(), &n, sizeof n);
    }
    lock.lock();
    if (stop_ || !sched_) continue;
    auto gone = sched_->exited();
    if (!gone) {
      reap_guests();
      continue;
    }
    log()->warn("scx backend: the kernel ejected the scheduler: {}", gone->describe());
    // A host that exits ends every guest: hand their groups back.
    for (auto& [cgid, a] : active_) {
      record_exit(a, "the host scheduler was ejected");
      a.link.reset();
    }
    active_.clear();
    sched_.reset();
    enforcing_ = false;
    lock.unlock();
    bool back = false;
    if (!reloaded) {
      reloaded = true;
      if (!wait_disabled(std::chrono::seconds(5))) {
        log()->error("scx backend: sched_ext did not return to 'disabled'; not reloading");
      } else if (auto st = load_scheduler(); st) {
        log()->warn("scx backend: scheduler reloaded (once; a second ejection falls back)");
        back = true;
      } else {
        log()->error("scx backend: reload failed: {}", st.error().message);
      }
    }
    if (!back)
      log()->warn(
          "scx backend: falling back to the cgroup backend: the tree, weights and members stay "
          "as they are, enforced by the kernel's fair class");
    lock.lock();
  }
}

Usage ScxBackend::group_usage(const GroupPath& path) {
  Usage k = cg_->group_usage(path);
  if (path.empty()) return k;  // 0 is the whole machine, as the kernel counts it
  std::lock_guard lock(mu_);
  if (!sched_) return k;
  auto ns = sched_->cgroup_runtime_ns(cgroup_v2_id(cg_->cpu_dir(path)));
  if (!ns) return k;
  // The scheduler counts run time; the kernel's user/system split is applied to it.
  Usage u;
  u.usage_usec = *ns / 1000;
  u.user_usec = k.usage_usec ? u.usage_usec * k.user_usec / k.usage_usec : u.usage_usec;
  u.system_usec = u.usage_usec - std::min(u.user_usec, u.usage_usec);
  return u;
}

std::optional<Throttling> ScxBackend::group_throttling(const GroupPath& path) {
  {
    // The kernel's cpu.stat counts nothing for ext tasks: the scheduler
    // throttles them and counts it.
    std::lock_guard lock(mu_);
    if (sched_) {
      auto bw = sched_->cgroup_bandwidth(cgroup_v2_id(cg_->cpu_dir(path)));
      if (!bw) return Throttling{};
      return Throttling{bw->nr_periods, bw->nr_throttled, bw->throttled_ns / 1000};
    }
  }
  return cg_->group_throttling(path);
}

std::optional<std::uint64_t> ScxBackend::process_usage_usec(pid_t pid) {
  std::lock_guard lock(mu_);
  if (!sched_) return std::nullopt;
  auto ns = sched_->process_runtime_ns(pid);
  if (!ns) return std::nullopt;
  return *ns / 1000;
}

void ScxBackend::start() {
  cg_->start();
  {
    std::lock_guard lock(mu_);
    restore_guests();
  }
  // An ejection before this point is seen at the monitor's first look.
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  monitor_ = std::thread([this] { monitor(); });
}

void ScxBackend::shutdown() {
  stop_monitor();
  std::lock_guard lock(mu_);
  // Guests end with the host; each group's choice stays in its xattr for
  // the next daemon.
  for (auto& [cgid, a] : active_) a.link.reset();
  active_.clear();
  // Unloading hands every task back to the fair class, which enforces the
  // same cgroups: the tree outlives the daemon as with the cgroup backend.
  sched_.reset();
  enforcing_ = false;
  cg_->shutdown();
}

}  // namespace fsched
