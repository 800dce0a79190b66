#include "pidfd_pin.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process_list.hpp"
#include "tree.hpp"
#include "unique_fd.hpp"

namespace fsched {

namespace {
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
  auto info = probe_process(pid);
  if (!info) return nullptr;
  auto pin = std::make_unique<PidfdPin>(std::move(owned), *info);
  // Alive after the read: what /proc said was about the pinned process,
  // not a successor that took its number.
  if (!pin->alive()) return nullptr;
  return pin;
}

}  // namespace fsched
