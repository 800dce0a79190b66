#include "mount_ops.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mount.h>

#include <cstring>

#include "mount_table.hpp"
#include "proc_stat.hpp"

namespace fsched {

std::optional<std::string> top_mount_type(const std::string& path) {
  auto text = read_small_file("/proc/self/mountinfo");
  if (!text) return std::nullopt;
  auto top = top_mount(*text, path);
  if (!top) return std::nullopt;
  return top->fstype;
}

Status bind_mount(const std::string& from, const std::string& to) {
  if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) != 0)
    return make_error(errno, "cannot bind " + from + " on " + to + ": " + std::strerror(errno));
  return Ok{};
}

Status detach_mount(const std::string& path) {
  if (::umount2(path.c_str(), MNT_DETACH) != 0)
    return make_error(errno, "cannot unmount " + path + ": " + std::strerror(errno));
  return Ok{};
}

MountTableWatch::MountTableWatch() : table_(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) {}

bool MountTableWatch::wait(int stop_fd) {
  pollfd fds[2] = {{table_.get(), POLLPRI, 0}, {stop_fd, POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || (fds[1].revents & POLLIN)) return false;
    if (fds[0].revents & (POLLPRI | POLLERR)) {
      // The event stays raised until the file is read again from the start.
      char buf[4096];
      ::lseek(table_.get(), 0, SEEK_SET);
      while (::read(table_.get(), buf, sizeof buf) > 0) {
      }
      return true;
    }
  }
}

}  // namespace fsched
