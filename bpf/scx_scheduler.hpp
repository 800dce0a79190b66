// The sched_ext scheduler (fsched_scx.bpf.c) as the daemon sees it: load,
// watch, read, unload. libbpf stays behind this header.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "result.hpp"

namespace fsched::scx {

// Which build of fsched_scx.bpf.c: the cpu form (Linux 6.12 on), or the
// cid form that can host guests (Linux 7.3 on, sched_ext sub-schedulers).
enum class Form { automatic, cpu, cid };

struct Knobs {
  std::uint64_t slice_ns = 10'000'000;
  Form form = Form::automatic;  // automatic: cid where the kernel hosts guests
};

// Why the kernel took the scheduler out (ops.exit), e.g. SysRq-S.
struct ExitInfo {
  std::int64_t kind = 0;  // enum scx_exit_kind
  std::int64_t code = 0;
  std::string reason;
  std::string message;
  std::string describe() const;
};

// How a guest ended, as the host's sub_detach saw it.
struct GuestExit {
  std::int64_t kind = 0;  // enum scx_exit_kind
  std::string reason;
  std::string message;
  std::uint64_t runtime_ns = 0;
  std::uint64_t overruns = 0;
  std::string describe() const;
};

// A capped cgroup's counters, as cgroup v2's cpu.stat has them (the kernel
// leaves cpu.max of sched_ext tasks to the scheduler): periods in which the
// cgroup used CPU or was throttled, times it ran out of quota, and the wall
// time it spent throttled.
struct Bandwidth {
  std::uint64_t nr_periods = 0, nr_throttled = 0, throttled_ns = 0;
};

// Whether this kernel's sched_ext can run guests (sub-schedulers with
// capabilities, Linux 7.3 on).
bool kernel_hosts_guests();

// "" when this kernel can run a sched_ext scheduler now, else why not.
std::string unavailable_reason();

class Scheduler {
 public:
  // Loads and attaches; `idle_cgroups` are ids of cgroups whose cpu.idle
  // is set (the kernel does not tell a new scheduler).
  static Result<std::unique_ptr<Scheduler>> load(const Knobs& knobs,
                                                 const std::vector<std::uint64_t>& idle_cgroups);
  ~Scheduler();  // detaches, if the kernel has not already
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  Form form() const;
  // Set once the kernel has ejected the scheduler.
  std::optional<ExitInfo> exited() const;
  // CPU time the scheduler charged to a cgroup (and its subtree) since it
  // saw the cgroup; nullopt for a cgroup it does not know.
  std::optional<std::uint64_t> cgroup_runtime_ns(std::uint64_t cgroup_id) const;
  // cpu.max counters of a cgroup; nullopt for a cgroup the scheduler does
  // not know or that was never capped while it ran.
  std::optional<Bandwidth> cgroup_bandwidth(std::uint64_t cgroup_id) const;
  // CPU time charged to a process since the scheduler loaded.
  std::optional<std::uint64_t> process_runtime_ns(pid_t pid) const;
  // How the guest on a cgroup ended, once (the record is consumed).
  std::optional<GuestExit> take_guest_exit(std::uint64_t cgroup_id);
  // The struct_ops link's fd: poll(2) reports POLLHUP on it once the
  // kernel has ejected the scheduler (6.10 on), so a watcher need not wake
  // to ask.
  int link_fd() const;

  struct Impl;

 private:
  explicit Scheduler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fsched::scx
