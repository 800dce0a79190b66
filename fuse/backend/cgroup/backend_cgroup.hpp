// The cgroup backend: the kernel's fair class enforces the tree through
// cgroup v2 cpu.weight or v1 cpu.shares.
//
// Layout under cgroup_root (see docs/design.md):
//   fsched-<name>/            a guest group (weight, cpu.idle, settings xattr)
//   fsched-<name>/proc-<n>/   a leaf holding exactly one process, weighted
//                             by its nice level, so that a process competes
//                             one to one with its sibling groups (and v2's
//                             no-internal-process rule holds)
//   fsched-<name>/user-<uid>/proc-<n>/
//                             in a user-fair group: one directory per
//                             owner, weighted by the owner's usernice, so
//                             users compete one to one with child groups
// Processes in 0 stay in whatever cgroup they were in. On v1 with cpuacct
// mounted apart, group directories are mirrored there for accounting; on
// v1 the cpuset hierarchy holds a mirror too, for the groups' `cpus`.
//
// What lives where: the groups' files and settings here and in
// backend_cgroup.cpp, the processes' leaves in backend_cgroup_members.cpp
// (over LeafPool, leaf_pool.hpp), rescans and group moves in
// backend_cgroup_tree.cpp, caps in backend_cgroup_caps.cpp, v1/v2 files
// behind CpuKnobs (cpu_knobs.hpp) and Cpusets (cpusets.hpp), the
// xattrs' text forms in xattr_codecs.hpp.
//
// Lock note: every mutating call runs under the tree's exclusive lock;
// group_usage and locate only read files and may run concurrently.
#pragma once

#include <map>
#include <memory>
#include <unordered_map>

#include "backend.hpp"
#include "cgroup_acct_queue.hpp"
#include "cgroup_mounts.hpp"
#include "cpu_knobs.hpp"
#include "cpusets.hpp"
#include "leaf_pool.hpp"
#include "result.hpp"
#include "xattr_codecs.hpp"

namespace fsched {

class CgroupBackend : public Backend, private LeafFs {
 public:
  // `cgroup_root` empty: the cpu hierarchy's root.
  static Result<std::unique_ptr<CgroupBackend>> create(const std::string& cgroup_root);

  std::string_view name() const override { return "cgroup"; }
  bool supports_policy(Policy policy) const override;
  std::vector<DiscoveredGroup> discover() override;
  std::optional<GroupPath> locate(pid_t pid) override;
  [[nodiscard]] int create_group(const GroupPath& path, const GroupSettings& settings) override;
  [[nodiscard]] int remove_group(const GroupPath& path) override;
  [[nodiscard]] int move_group(const GroupPath& from, const GroupPath& to) override;
  [[nodiscard]] int set_weight(const GroupPath& path, int weight) override;
  [[nodiscard]] int set_policy(const GroupPath& path, Policy policy) override;
  [[nodiscard]] int store_settings(const GroupPath& path, const GroupSettings& settings) override;
  [[nodiscard]] int set_cpu_max(const GroupPath& path, const CpuMax& max) override;
  [[nodiscard]] int set_cpus(const GroupPath& path, const CpuSet& cpus) override;
  CpuSet online_cpus() const override;
  std::optional<Throttling> group_throttling(const GroupPath& path) override;
  [[nodiscard]] int move_process(pid_t pid, const GroupPath& to,
                                 const MemberTraits& traits) override;
  void process_forked(pid_t child, pid_t parent, const GroupPath& group,
                      const MemberTraits& traits) override;
  void process_exited(pid_t pid) override;
  void process_reniced(pid_t pid, int nice) override;
  void process_uid_changed(pid_t pid, uid_t uid) override;
  std::map<uid_t, int> usernice_levels() override { return usernice_; }
  [[nodiscard]] int set_usernice(uid_t uid, int nice) override;
  Usage group_usage(const GroupPath& path) override;
  void start() override { acct_.start(); }
  void shutdown() override;

  const CgroupLayout& layout() const { return layout_; }
  std::string cpu_dir(const GroupPath& path) const;

 private:
  using Home = LeafHome;  // where a process returns when moved back to 0
  struct Leaf {
    GroupPath group;
    std::string name;  // relative to the group: proc-<n> or user-<uid>/proc-<n>
    MemberTraits traits;
    Home home;
  };

  CgroupBackend(CgroupLayout layout, std::unique_ptr<CpuKnobs> knobs);
  std::string acct_dir(const GroupPath& path) const;
  std::string cpuset_dir(const GroupPath& path) const;
  // v1: every mirror directory under `top` holds the CPUs its group may
  // run on, written in an order the kernel accepts (its parent's always a
  // superset).
  [[nodiscard]] int apply_cpus(const GroupPath& top);
  // A new or re-created group's caps, after its settings.
  [[nodiscard]] int apply_caps(const GroupPath& path, const GroupSettings& s);
  // v1: a process joins the cpuset mirror only where it matters (its group
  // or one above has CPUs of its own), since each cpuset move costs about
  // as much as the rest of a move; it leaves the mirror when it leaves.
  bool cpus_limited(const GroupPath& group) const;
  bool in_cpuset_mirror(pid_t pid) const;
  // Whether any process of the mirror's groups is in one of its cpusets.
  bool mirror_holds_members(const std::string& dir);
  void follow_cpuset(pid_t pid, const std::string& dir);
  [[nodiscard]] int apply_settings(const std::string& dir, const GroupSettings& s, bool fresh);
  void restore_settings(const GroupPath& path, const GroupSettings& before);
  // The directory a process's leaf goes in, relative to its group: "" or
  // user-<uid> when the group is user-fair.
  std::string user_dir_for(const GroupPath& group, uid_t uid) const;
  int usernice_of(const std::string& user_dir) const;
  // The leaf goes back to the pool, or to the child forked into it.
  void recycle(const Leaf& leaf);
  // join_cpuset false: the process is in the group's cpuset already (a
  // fork, or a change of leaf within its group).
  [[nodiscard]] int place_in_leaf(pid_t pid, const GroupPath& group, const MemberTraits& traits,
                                  const Home& home, Leaf* out, bool join_cpuset = true);
  // Moves a group's members into the leaves its policy now asks for.
  [[nodiscard]] int replace_members(const GroupPath& group);
  void load_usernice();
  void scan_leaf(const GroupPath& group, const std::string& name,
                 std::vector<std::pair<pid_t, GroupPath>>& homeless);
  std::optional<Home> home_of(pid_t pid) const;
  Home default_home() const;
  void scan_group(const GroupPath& path, std::vector<DiscoveredGroup>& out,
                  std::vector<std::pair<pid_t, GroupPath>>& homeless);
  [[nodiscard]] int migrate(const GroupPath& from, const GroupPath& to);
  void rekey(const GroupPath& from, const GroupPath& to);
  Usage raw_usage(const GroupPath& path) const;

  // LeafFs, for the pool: cgroupfs through the knobs.
  [[nodiscard]] int make_dir(const std::string& dir) override;
  void remove_dir(const std::string& dir) override;
  std::vector<pid_t> procs(const std::string& dir) override;
  std::vector<std::string> subdirs(const std::string& dir) override;
  int enable_cpu(const std::string& dir) override { return knobs_->enable_cpu(dir); }
  int set_nice(const std::string& dir, int nice) override { return knobs_->set_nice(dir, nice); }

  CgroupLayout layout_;
  std::unique_ptr<CpuKnobs> knobs_;
  std::unique_ptr<Cpusets> cpusets_;
  bool has_idle_ = false;
  // v1: a member may sit in a mirror cpuset: some group got CPUs of its
  // own, or a process was found in the mirror at start. Until then a move
  // reads no /proc/PID/cpuset (~8 % of an mv).
  bool cpuset_joined_ = false;
  std::unordered_map<pid_t, Leaf> leaves_;
  LeafPool pool_;
  std::map<GroupPath, GroupSettings> settings_;
  std::map<GroupPath, Usage> usage_base_;
  std::map<uid_t, int> usernice_;  // the levels set, as kept on cgroup_root
  // The home last written into each leaf's xattr, so an unchanged one is
  // not written again. Key: leaf directory.
  std::map<std::string, std::string> leaf_home_;
  AcctQueue acct_;
};

}  // namespace fsched
