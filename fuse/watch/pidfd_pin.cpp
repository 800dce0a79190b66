#include "pidfd_pin.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "proc_probe.hpp"
#include "process_list.hpp"
#include "tree.hpp"
#include "unique_fd.hpp"

namespace fsched {

namespace {
// PIDFD_GET_INFO (Linux 6.13): the credentials of the process a pidfd
// holds, without generating and parsing /proc/<pid>/status. Spelled out
// here because Debian 12's headers predate it; the layout is UAPI.
struct PidfdInfo {
  std::uint64_t mask;
  std::uint64_t cgroupid;
  std::uint32_t pid, tgid, ppid;
  std::uint32_t ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
  std::int32_t exit_code;  // spare in 6.13, the size is the same
};
static_assert(sizeof(PidfdInfo) == 64, "PIDFD_INFO_SIZE_VER0");
constexpr std::uint64_t kPidfdInfoCreds = 1u << 1;
constexpr unsigned long kPidfdGetInfo = _IOWR(0xFF, 11, PidfdInfo);

// The real uid/gid through the pidfd; nullopt when the kernel cannot say
// (then /proc is asked), and `gone` when the process has exited.
std::optional<ProcIds> ids_through(int pidfd, bool* gone) {
  PidfdInfo info{};
  info.mask = kPidfdInfoCreds;
  if (::ioctl(pidfd, kPidfdGetInfo, &info) != 0) {
    *gone = errno == ESRCH;
    return std::nullopt;
  }
  if (!(info.mask & kPidfdInfoCreds)) return std::nullopt;
  ProcIds ids;
  ids.uid = info.ruid;
  ids.gid = info.rgid;
  return ids;
}

class PidfdPin : public ProcessPin {
 public:
  PidfdPin(UniqueFd fd, ProcessInfo info) : fd_(std::move(fd)), info_(info) {}
  const ProcessInfo& info() const override { return info_; }
  // A pidfd turns readable when its process exits; a zombie counts as gone.
  bool alive() const override {
    pollfd p{fd_.get(), POLLIN, 0};
    int n = ::poll(&p, 1, 0);
    return n == 0;
  }

 private:
  UniqueFd fd_;
  ProcessInfo info_;
};
}  // namespace

std::unique_ptr<ProcessPin> pin_process(pid_t pid) {
  if (pid <= 0) return nullptr;
  // Fails for a thread that does not lead its process: only processes move.
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return nullptr;
  UniqueFd owned(fd);
  auto st = read_proc_stat(pid);
  if (!st || st->gone()) return nullptr;
  bool gone = false;
  auto ids = ids_through(owned.get(), &gone);
  if (gone) return nullptr;
  if (!ids) ids = read_proc_ids(pid);
  if (!ids) return nullptr;
  auto pin = std::make_unique<PidfdPin>(std::move(owned), info_from(*st, ids->uid, ids->gid));
  // Alive after the reads: what /proc said was about the pinned process,
  // not a successor that took its number.
  if (!pin->alive()) return nullptr;
  return pin;
}

}  // namespace fsched
