// The RFC's own paths: the tree mounted on /proc/sched-groups, and its
// schedulers/ bound on /proc/schedulers. procfs has no such directories
// until the kernel module fsched_proc makes them (docs/kmod.md); on any
// other mount point this class does nothing.
#pragma once

#include <mutex>
#include <string>
#include <thread>

#include "unique_fd.hpp"

namespace fsched {

inline constexpr const char* kProcGroupsDir = "/proc/sched-groups";
inline constexpr const char* kProcSchedulersDir = "/proc/schedulers";

class ProcHome {
 public:
  // Before the mount. Throws FatalError when the mount point is
  // /proc/sched-groups and the module has not made it.
  explicit ProcHome(const std::string& mount_point);
  ~ProcHome();
  ProcHome(const ProcHome&) = delete;
  ProcHome& operator=(const ProcHome&) = delete;

  bool active() const { return active_; }
  // With the FUSE loop answering (the bind's lookup needs it): binds
  // schedulers/ on /proc/schedulers and watches the mount table, so that
  // `umount /proc/sched-groups` also lets go of the bind, whose mount would
  // otherwise keep the FUSE connection, and the daemon, alive.
  void attach();
  // After the loop ended, before the FUSE unmount: removes the bind.
  void detach();

 private:
  void watch();
  void drop_bind();  // call with mu_ held

  bool active_ = false;
  UniqueFd pin_;  // /dev/fsched_proc open: the module cannot be unloaded
  std::mutex mu_;
  bool stopped_ = false;  // guarded by mu_
  bool bound_ = false;    // guarded by mu_
  UniqueFd stop_;         // eventfd: ends watch()
  std::thread watcher_;   // started and joined under mu_'s protocol
};

}  // namespace fsched
