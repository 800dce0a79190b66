// The kernel's process events (fork, exec, exit, uid change) over the netlink
// proc connector. Needs CAP_NET_ADMIN; the daemon runs as root.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "result.hpp"
#include "unique_fd.hpp"

namespace fsched {

// A uid event carries no uid: the watcher reads the owner from /proc, which
// is still right when several changes arrive out of order.
struct ProcEvent {
  enum class Kind { fork, exec, exit, uid, overrun } kind = Kind::fork;
  pid_t pid = 0;          // the thread the event is about
  pid_t tgid = 0;         // its process
  pid_t parent_tgid = 0;  // fork only
  // When it happened (the kernel's CLOCK_MONOTONIC, ns): an exec reported
  // late must not undo a move made after it.
  std::uint64_t time_ns = 0;
};

class ProcConnector {
 public:
  static Result<ProcConnector> open();
  int fd() const { return fd_.get(); }
  // Drains what is queued without blocking. An `overrun` event says the
  // kernel dropped some: the caller must rescan /proc.
  void read_events(std::vector<ProcEvent>& out);

 private:
  explicit ProcConnector(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace fsched
