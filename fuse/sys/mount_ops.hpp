// Mounts the daemon makes besides its own FUSE mount: the bind of
// schedulers/ on /proc/schedulers, and noticing when a mount goes away.
#pragma once

#include <optional>
#include <string>

#include "result.hpp"
#include "unique_fd.hpp"

namespace fsched {

// The file system type of the topmost mount on `path` ("fuse.fschedfs"),
// or nothing when no mount sits exactly there.
std::optional<std::string> top_mount_type(const std::string& path);

// mount --bind FROM TO.
Status bind_mount(const std::string& from, const std::string& to);
// umount -l PATH: gone from the namespace at once, released when unused.
Status detach_mount(const std::string& path);

// Wakes when this mount namespace's table changes: mountinfo polls
// POLLPRI after every mount and unmount.
class MountTableWatch {
 public:
  MountTableWatch();
  explicit operator bool() const { return static_cast<bool>(table_); }
  // Blocks until the table changes (true) or `stop_fd` becomes readable
  // (false).
  bool wait(int stop_fd);

 private:
  UniqueFd table_;
};

}  // namespace fsched
