// The scx backend: our sched_ext scheduler (bpf/fsched_scx.bpf.c) enforces
// the tree; membership is the cgroup backend's cgroup v2 layout, which the
// scheduler reads through its cgroup callbacks (docs/design.md, "The scx
// backend").
//
// When the kernel ejects the scheduler (an error, the watchdog, SysRq-S),
// a monitor thread logs why and loads it again, once; if that fails or the
// scheduler is ejected again, the backend carries on as the cgroup
// backend: the same cgroups, weights and members, now enforced by the
// kernel's fair class, so the tree is untouched.
//
// Guests (docs/guests.md, backend_scx_guests.cpp): on a kernel with
// sched_ext sub-schedulers the scheduler is loaded in its cid form and
// hosts guest schedulers. A loaded guest is its object file (kept in
// guest_dir across restarts); a group runs one through a GuestLink on its
// cgroup (the group's choice kept in its trusted.fsched.guest xattr). The
// monitor thread sees a guest the kernel or the host ended, records why,
// and hands the group back (never retrying the guest).
//
// Lock note: sched_, guests_ and active_ are changed by the monitor thread
// and by FUSE workers (which also hold the tree's lock); all hold mu_.
// Every other call goes to the cgroup backend under the tree's lock, as
// for that backend.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "backend_cgroup.hpp"
#include "guest_object.hpp"
#include "scx_scheduler.hpp"
#include "unique_fd.hpp"

namespace fsched {

// A cgroup v2 directory's id (its inode number); 0 when it is gone.
std::uint64_t cgroup_v2_id(const std::string& dir);

class ScxBackend : public Backend {
 public:
  // Fails with ENOTSUP and a reason when the kernel cannot run it.
  // guest_dir: where loaded guests are kept ("none": nowhere).
  static Result<std::unique_ptr<ScxBackend>> create(const std::string& cgroup_root,
                                                    const std::string& guest_dir = "none",
                                                    const scx::Knobs& knobs = {});
  ~ScxBackend() override;

  std::string_view name() const override { return enforcing() ? "scx" : "cgroup"; }
  bool supports_policy(Policy policy) const override {
    return cg_->supports_policy(policy);
  }
  std::vector<DiscoveredGroup> discover() override;
  std::optional<GroupPath> locate(pid_t pid) override { return cg_->locate(pid); }
  int create_group(const GroupPath& p, const GroupSettings& s) override {
    return cg_->create_group(p, s);
  }
  int remove_group(const GroupPath& p) override;
  int move_group(const GroupPath& from, const GroupPath& to) override;
  int set_weight(const GroupPath& p, int w) override { return cg_->set_weight(p, w); }
  int set_policy(const GroupPath& p, Policy policy) override;
  int store_settings(const GroupPath& p, const GroupSettings& s) override {
    return cg_->store_settings(p, s);
  }
  // cpu.max goes to the cgroup's file: sched_ext tells the scheduler
  // (ops.cgroup_set_bandwidth), which enforces it; after a fallback the
  // fair class does. cpus are cpusets: the kernel narrows tasks' affinity.
  int set_cpu_max(const GroupPath& p, const CpuMax& m) override { return cg_->set_cpu_max(p, m); }
  int set_cpus(const GroupPath& p, const CpuSet& c) override { return cg_->set_cpus(p, c); }
  CpuSet online_cpus() const override { return cg_->online_cpus(); }
  std::optional<Throttling> group_throttling(const GroupPath& path) override;
  int move_process(pid_t pid, const GroupPath& to, const MemberTraits& t) override {
    return cg_->move_process(pid, to, t);
  }
  void process_forked(pid_t child, pid_t parent, const GroupPath& g,
                      const MemberTraits& t) override {
    cg_->process_forked(child, parent, g, t);
  }
  void process_exited(pid_t pid) override { cg_->process_exited(pid); }
  void process_reniced(pid_t pid, int nice) override { cg_->process_reniced(pid, nice); }
  void process_uid_changed(pid_t pid, uid_t uid) override { cg_->process_uid_changed(pid, uid); }
  std::map<uid_t, int> usernice_levels() override { return cg_->usernice_levels(); }
  int set_usernice(uid_t uid, int nice) override { return cg_->set_usernice(uid, nice); }
  Usage group_usage(const GroupPath& path) override;
  std::optional<std::uint64_t> process_usage_usec(pid_t pid) override;
  void start() override;
  void shutdown() override;

  bool hosts_guests() const override;
  std::string guest_support() const override;
  int load_guest(const std::string& name, std::string elf, std::string* why) override;
  int unload_guest(const std::string& name) override;
  std::vector<GuestInfo> guests() const override;
  std::optional<std::string> guest_of(const GroupPath& path) const override;
  int activate_guest(const GroupPath& path, const std::string& name) override;
  int end_guest(const GroupPath& path) override;

  // Whether our scheduler is loaded now (false after a fallback).
  bool enforcing() const { return enforcing_.load(); }

 private:
  struct LoadedGuest {
    std::string elf;
    scx::GuestObject object;
    std::uint32_t id = 0;
    std::deque<std::string> exits;  // "PATH REASON", at most kKeptExits
  };
  struct Activation {
    std::string name;
    GroupPath path;
    std::unique_ptr<scx::GuestLink> link;
  };
  static constexpr std::size_t kKeptExits = 8;

  ScxBackend(std::unique_ptr<CgroupBackend> cg, std::string guest_dir, scx::Knobs knobs);
  Status load_scheduler();
  void monitor();
  void stop_monitor();
  void nudge_monitor();
  // Guests; the caller holds mu_.
  bool hosts_guests_locked() const;
  std::string guest_file(const std::string& name) const;
  int register_guest(const std::string& name, std::string elf, std::string* why);
  int attach_guest(const GroupPath& path, const std::string& name);
  void detach_guest(std::map<std::uint64_t, Activation>::iterator it);
  void record_exit(const Activation& a, const std::string& reason);
  void reap_guests();
  void restore_guests();

  std::unique_ptr<CgroupBackend> cg_;
  std::string guest_dir_;  // "" when guests are not kept
  scx::Knobs knobs_;
  mutable std::mutex mu_;
  std::unique_ptr<scx::Scheduler> sched_;  // mu_
  std::atomic<bool> enforcing_{false};
  bool stop_ = false;  // mu_
  std::map<std::string, LoadedGuest> guests_;  // mu_
  std::map<std::uint64_t, Activation> active_;   // mu_, by cgroup id
  std::map<GroupPath, std::string> to_restore_;  // discover() to start()
  std::uint32_t next_guest_id_ = 1;              // mu_
  UniqueFd wake_;  // eventfd: stop wakes the monitor
  std::thread monitor_;
};

}  // namespace fsched
