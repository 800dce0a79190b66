#include "proc_home.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "log.hpp"
#include "mount_ops.hpp"
#include "mount_table.hpp"
#include "result.hpp"

namespace fsched {

namespace {
constexpr const char* kPinDevice = "/dev/fsched_proc";
constexpr const char* kFsType = "fuse.fschedfs";

bool is_dir(const char* path) {
  struct stat st;
  return ::stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}
}  // namespace

ProcHome::ProcHome(const std::string& mount_point) {
  std::string normal = std::filesystem::path(mount_point).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  active_ = normal == kProcGroupsDir;
  if (!active_) return;
  // A dead mount is not a directory to stat; detach_dead_mount handles it.
  if (!is_dir(kProcGroupsDir) && top_mount_type(kProcGroupsDir) != kFsType)
    throw FatalError(std::string(kProcGroupsDir) +
                     " does not exist: load the kernel module first (modprobe fsched_proc; "
                     "docs/kmod.md)");
  // What a killed daemon left: a dead bind refuses every access.
  auto dead = detach_dead_mount(kProcSchedulersDir);
  if (!dead) throw FatalError(dead.error().message);
  // procfs lets a module go while a directory of its is a mount point
  // (the kernel then detaches the mounts); an open file of the module's
  // holds it, and rmmod answers that it is in use.
  pin_ = UniqueFd(::open(kPinDevice, O_RDONLY | O_CLOEXEC));
  if (!pin_)
    log()->warn("cannot open {} ({}): rmmod fsched_proc would not be refused while mounted",
                kPinDevice, std::strerror(errno));
  stop_ = UniqueFd(::eventfd(0, EFD_CLOEXEC));
  if (!stop_) throw FatalError(std::string("eventfd: ") + std::strerror(errno));
}

ProcHome::~ProcHome() {
  detach();
}

void ProcHome::attach() {
  if (!active_) return;
  std::lock_guard lock(mu_);
  if (stopped_) return;
  if (!is_dir(kProcSchedulersDir)) {
    log()->warn("{} does not exist; schedulers/ stays where it is", kProcSchedulersDir);
  } else if (auto s = bind_mount(std::string(kProcGroupsDir) + "/schedulers", kProcSchedulersDir);
             !s) {
    log()->warn("{}", s.error().message);
  } else {
    bound_ = true;
    log()->info("schedulers/ bound on {}", kProcSchedulersDir);
  }
  watcher_ = std::thread([this] { watch(); });
}

void ProcHome::watch() {
  MountTableWatch table;
  if (!table) return;
  while (table.wait(stop_.get())) {
    if (top_mount_type(kProcGroupsDir) == kFsType) continue;
    // The tree was unmounted under us: let go of the bind too, so the
    // kernel ends the FUSE connection and the loop returns.
    std::lock_guard lock(mu_);
    drop_bind();
    return;
  }
}

void ProcHome::drop_bind() {
  // Only a bind that is still ours: an admin may have put something else
  // there since.
  if (bound_ && top_mount_type(kProcSchedulersDir) == kFsType) {
    if (auto s = detach_mount(kProcSchedulersDir); !s) log()->warn("{}", s.error().message);
  }
  bound_ = false;
}

void ProcHome::detach() {
  if (!active_) return;
  std::thread watcher;
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    std::uint64_t one = 1;
    if (::write(stop_.get(), &one, sizeof one) < 0)
      log()->warn("eventfd: {}", std::strerror(errno));
    watcher = std::move(watcher_);
  }
  if (watcher.joinable()) watcher.join();
  std::lock_guard lock(mu_);
  drop_bind();
  pin_.reset();
}

}  // namespace fsched
