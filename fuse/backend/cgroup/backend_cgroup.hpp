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
// mounted apart, group directories are mirrored there for accounting.
//
// Leaves are recycled: a leaf left empty is kept (nice 0) for the next
// process moved into its group, so a move is usually one cgroup.procs write.
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
#include "result.hpp"

namespace fsched {

class CgroupBackend : public Backend {
 public:
  // `cgroup_root` empty: the cpu hierarchy's root.
  static Result<std::unique_ptr<CgroupBackend>> create(const std::string& cgroup_root);

  std::string_view name() const override { return "cgroup"; }
  bool supports_policy(std::string_view policy) const override;
  std::vector<DiscoveredGroup> discover() override;
  std::optional<GroupPath> locate(pid_t pid) override;
  int create_group(const GroupPath& path, const GroupSettings& settings) override;
  int remove_group(const GroupPath& path) override;
  int move_group(const GroupPath& from, const GroupPath& to) override;
  int set_weight(const GroupPath& path, int weight) override;
  int set_policy(const GroupPath& path, std::string_view policy) override;
  int store_settings(const GroupPath& path, const GroupSettings& settings) override;
  int move_process(pid_t pid, const GroupPath& to, const MemberTraits& traits) override;
  void process_forked(pid_t child, pid_t parent, const GroupPath& group,
                      const MemberTraits& traits) override;
  void process_exited(pid_t pid) override;
  void process_reniced(pid_t pid, int nice) override;
  void process_uid_changed(pid_t pid, uid_t uid) override;
  std::map<uid_t, int> usernice_levels() override { return usernice_; }
  int set_usernice(uid_t uid, int nice) override;
  Usage group_usage(const GroupPath& path) override;
  void start() override { acct_.start(); }
  void shutdown() override;

  const CgroupLayout& layout() const { return layout_; }
  std::string cpu_dir(const GroupPath& path) const;
  // Where a process's own leaf is, "" when it has none (it is in 0).
  std::string leaf_dir_of(pid_t pid) const;

 private:
  struct Home {  // where a process returns when moved back to 0
    std::string cpu;
    std::string acct;
  };
  struct Leaf {
    GroupPath group;
    std::string name;  // relative to the group: proc-<n> or user-<uid>/proc-<n>
    MemberTraits traits;
    Home home;
  };
  struct Pool {
    std::vector<std::string> spare;    // leaf names, as in Leaf
    std::map<std::string, int> users;  // user-<uid> -> leaves in use in it
    unsigned next = 0;
  };

  explicit CgroupBackend(CgroupLayout layout);
  std::string acct_dir(const GroupPath& path) const;
  [[nodiscard]] int apply_settings(const std::string& dir, const GroupSettings& s, bool fresh);
  void restore_settings(const GroupPath& path, const GroupSettings& before);
  [[nodiscard]] int apply_nice(const std::string& leaf_dir, int nice);
  // The directory a process's leaf goes in, relative to its group: "" or
  // user-<uid> when the group is user-fair.
  std::string user_dir_for(const GroupPath& group, uid_t uid) const;
  [[nodiscard]] int open_user_dir(const GroupPath& group, const std::string& user_dir);
  void close_user_dir(const GroupPath& group, const std::string& user_dir);
  // Every leaf directory of a group, as names relative to it.
  std::vector<std::string> leaf_names(const GroupPath& group) const;
  [[nodiscard]] int take_leaf(const GroupPath& group, const std::string& user_dir, std::string* name);
  void recycle(const Leaf& leaf);
  [[nodiscard]] int place_in_leaf(pid_t pid, const GroupPath& group, const MemberTraits& traits, const Home& home,
                    Leaf* out);
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

  CgroupLayout layout_;
  bool has_idle_ = false;
  std::unordered_map<pid_t, Leaf> leaves_;
  std::map<GroupPath, Pool> pools_;
  std::map<GroupPath, GroupSettings> settings_;
  std::map<GroupPath, Usage> usage_base_;
  std::map<uid_t, int> usernice_;  // carried over when a group is re-created elsewhere
  // The home last written into each leaf's xattr, so an unchanged one is
  // not written again. Key: leaf directory.
  std::map<std::string, std::string> leaf_home_;
  AcctQueue acct_;
};

}  // namespace fsched
