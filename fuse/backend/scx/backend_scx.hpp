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
// Lock note: sched_ is replaced only by the monitor thread and read by
// stats calls from FUSE workers; both hold mu_. Every other call goes to
// the cgroup backend under the tree's lock, as for that backend.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "backend_cgroup.hpp"
#include "scx_scheduler.hpp"

namespace fsched {

class ScxBackend : public Backend {
 public:
  // Fails with ENOTSUP and a reason when the kernel cannot run it.
  static Result<std::unique_ptr<ScxBackend>> create(const std::string& cgroup_root,
                                                    const scx::Knobs& knobs = {});
  ~ScxBackend() override;

  std::string_view name() const override { return enforcing() ? "scx" : "cgroup"; }
  bool supports_policy(Policy policy) const override {
    return cg_->supports_policy(policy);
  }
  std::vector<DiscoveredGroup> discover() override { return cg_->discover(); }
  std::optional<GroupPath> locate(pid_t pid) override { return cg_->locate(pid); }
  int create_group(const GroupPath& p, const GroupSettings& s) override {
    return cg_->create_group(p, s);
  }
  int remove_group(const GroupPath& p) override { return cg_->remove_group(p); }
  int move_group(const GroupPath& from, const GroupPath& to) override {
    return cg_->move_group(from, to);
  }
  int set_weight(const GroupPath& p, int w) override { return cg_->set_weight(p, w); }
  int set_policy(const GroupPath& p, Policy policy) override {
    return cg_->set_policy(p, policy);
  }
  int store_settings(const GroupPath& p, const GroupSettings& s) override {
    return cg_->store_settings(p, s);
  }
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

  // Whether our scheduler is loaded now (false after a fallback).
  bool enforcing() const { return enforcing_.load(); }

 private:
  ScxBackend(std::unique_ptr<CgroupBackend> cg, scx::Knobs knobs);
  Status load_scheduler();
  void monitor();

  std::unique_ptr<CgroupBackend> cg_;
  scx::Knobs knobs_;
  mutable std::mutex mu_;
  std::unique_ptr<scx::Scheduler> sched_;  // mu_
  std::atomic<bool> enforcing_{false};
  bool stop_ = false;  // mu_
  std::condition_variable wake_;
  std::thread monitor_;
};

}  // namespace fsched
