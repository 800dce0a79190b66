#include "proc_connector.hpp"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

namespace fsched {

namespace {
// The event codes (kernel ABI) by number: bookworm's linux-libc-dev (6.1)
// declares them inside struct proc_event, 6.6 and later outside it, so
// neither spelling compiles against both.
enum : unsigned {
  event_fork = 0x00000001,
  event_exec = 0x00000002,
  event_uid = 0x00000004,
  event_exit = 0x80000000,
};
}  // namespace

Result<ProcConnector> ProcConnector::open() {
  UniqueFd fd(::socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR));
  if (!fd) return make_error(errno, std::string("proc connector socket: ") + std::strerror(errno));
  int rcvbuf = 8 << 20;
  // A fork storm must not overrun us; FORCE lifts rmem_max for root.
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = CN_IDX_PROC;
  sa.nl_pid = 0;  // let the kernel pick a unique port
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
    return make_error(errno, std::string("proc connector bind: ") + std::strerror(errno));

  // nlmsghdr, then cn_msg, then the op, packed as the kernel reads them.
  alignas(nlmsghdr) char msg[NLMSG_SPACE(sizeof(cn_msg) + sizeof(proc_cn_mcast_op))] = {};
  auto* nl = reinterpret_cast<nlmsghdr*>(msg);
  nl->nlmsg_len = NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_cn_mcast_op));
  nl->nlmsg_type = NLMSG_DONE;
  auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nl));
  cn->id.idx = CN_IDX_PROC;
  cn->id.val = CN_VAL_PROC;
  cn->len = sizeof(proc_cn_mcast_op);
  proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
  std::memcpy(cn->data, &op, sizeof op);
  if (::send(fd.get(), msg, nl->nlmsg_len, 0) < 0)
    return make_error(errno, std::string("proc connector listen: ") + std::strerror(errno));
  return ProcConnector(std::move(fd));
}

void ProcConnector::read_events(std::vector<ProcEvent>& out) {
  alignas(nlmsghdr) char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {
        out.push_back(ProcEvent{ProcEvent::Kind::overrun});
        continue;
      }
      return;  // EAGAIN: drained
    }
    auto len = static_cast<unsigned>(n);
    for (auto* nl = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nl, len); nl = NLMSG_NEXT(nl, len)) {
      if (nl->nlmsg_type == NLMSG_ERROR || nl->nlmsg_type == NLMSG_NOOP) continue;
      auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nl));
      if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
      // cn_msg is 20 bytes, so the event after it sits 4 bytes off the
      // 8-byte alignment proc_event wants: copy it out before reading.
      proc_event copy;
      const std::size_t avail =
          std::min<std::size_t>(cn->len, nl->nlmsg_len - NLMSG_LENGTH(sizeof(cn_msg)));
      if (avail < offsetof(proc_event, event_data)) continue;
      std::memset(&copy, 0, sizeof copy);
      std::memcpy(&copy, cn->data, std::min(avail, sizeof copy));
      const proc_event* ev = &copy;
      ProcEvent e;
      switch (static_cast<unsigned>(ev->what)) {
        case event_fork:
          e.kind = ProcEvent::Kind::fork;
          e.pid = ev->event_data.fork.child_pid;
          e.tgid = ev->event_data.fork.child_tgid;
          e.parent_tgid = ev->event_data.fork.parent_tgid;
          break;
        case event_exec:
          e.kind = ProcEvent::Kind::exec;
          e.pid = ev->event_data.exec.process_pid;
          e.tgid = ev->event_data.exec.process_tgid;
          break;
        case event_exit:
          e.kind = ProcEvent::Kind::exit;
          e.pid = ev->event_data.exit.process_pid;
          e.tgid = ev->event_data.exit.process_tgid;
          break;
        case event_uid:
          e.kind = ProcEvent::Kind::uid;
          e.pid = ev->event_data.id.process_pid;
          e.tgid = ev->event_data.id.process_tgid;
          break;
        default:
          continue;
      }
      e.time_ns = ev->timestamp_ns;
      out.push_back(e);
    }
  }
}

}  // namespace fsched
