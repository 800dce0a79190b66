// The model of the sched-groups tree: groups, the processes directly in
// each, and every rule of the spec about changing them. It knows nothing of
// FUSE; the backend makes the kernel follow it.
//
// Not thread-safe: the daemon guards one Tree with a shared_mutex (readers
// shared, every change exclusive), which also serialises all backend calls.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backend.hpp"
#include "cred.hpp"
#include "process_pin.hpp"

namespace fsched {

using GroupId = std::uint32_t;
inline constexpr GroupId kHostGroup = 0;

struct Group {
  GroupId id = kHostGroup;
  GroupId parent = kHostGroup;  // the host group is its own parent
  std::string name;
  std::map<std::string, GroupId, std::less<>> children;
  std::set<pid_t> procs;
  GroupSettings settings;
  std::int64_t ctime_sec = 0;

  bool is_host() const { return id == kHostGroup; }
};

struct ProcessInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  std::uint64_t start_time = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  int nice = 0;
  bool kernel_thread = false;
};

// Who chose a process's group, which decides whether placement rules may
// move it (the spec's "Placement rules"):
//   rule    where it started, or where a rule put it: rules apply;
//   hand    moved by someone else (`mv`, `tasks`), or forked by such a
//           process: rules leave it until its next exec;
//   sticky  it moved itself (`echo $$ > tasks`, `fsched run`): it chose
//           the group for what it runs, so rules leave it and its children
//           across exec, as cgexec --sticky does.
enum class Placement : std::uint8_t { rule, hand, sticky };

struct Process {
  ProcessInfo info;
  GroupId group = kHostGroup;
  Placement placement = Placement::rule;
  std::uint64_t placed_ns = 0;  // when it was last moved (CLOCK_MONOTONIC)
};

// A directory entry whose kernel cache may now be wrong.
struct EntryChange {
  GroupId parent;
  std::string name;
};

// Bounds on what users may build, so no one can exhaust the daemon or the
// kernel's cgroups. Past one, mkdir answers EAGAIN, as cgroupfs does past
// cgroup.max.descendants.
struct Limits {
  int max_depth = 32;             // 0/a is depth 1
  int max_groups = 4096;          // guest groups in all
  int max_groups_per_user = 256;  // owned by one non-root uid
};

class Tree {
 public:
  Tree(Backend& backend, ProcessPinner pinner, Limits limits = {});

  // Rebuilds groups from the backend and places every live process.
  void load(const std::vector<ProcessInfo>& processes);

  const Group* group(GroupId id) const;
  const Process* process(pid_t pid) const;
  std::optional<GroupId> child(GroupId parent, std::string_view name) const;
  GroupPath path_of(GroupId id) const;
  std::optional<GroupId> find(const GroupPath& path) const;
  const std::unordered_map<pid_t, Process>& processes() const { return procs_; }
  std::vector<GroupId> group_ids() const;
  Backend& backend() { return backend_; }
  const Backend& backend() const { return backend_; }

  // Changes asked for by users: 0 or an errno, and nothing changed on error.
  [[nodiscard]] int make_group(GroupId parent, std::string_view name, mode_t mode, const Cred& cred,
                               GroupId* out);
  [[nodiscard]] int remove_group(GroupId parent, std::string_view name, const Cred& cred);
  [[nodiscard]] int rename(GroupId parent, std::string_view name, GroupId new_parent,
                           std::string_view new_name, unsigned flags, const Cred& cred);
  // Moves the process that has this pid now (a write to tasks, a rename),
  // marking it as placed `how`.
  [[nodiscard]] int move_process(pid_t pid, GroupId to, const Cred& cred,
                                 Placement how = Placement::hand);
  // A placement rule's move: as root, and only while the process is still
  // the rules' to place (Placement::rule); 0 when it was left alone.
  // `start_time` is that of the process the rule was matched against:
  // ESRCH when the pid now names another (its number was reused).
  [[nodiscard]] int place_process(pid_t pid, std::uint64_t start_time, GroupId to);
  // The group at `path`, made (owned by root, 0755, policy fair) with
  // every missing parent when it does not exist.
  [[nodiscard]] int ensure_group(const GroupPath& path, GroupId* out);
  [[nodiscard]] int set_weight(GroupId id, int weight, const Cred& cred);
  [[nodiscard]] int set_policy(GroupId id, std::string_view name, const Cred& cred);
  // Caps: permissions as set_weight. cpu.max: ERANGE outside the spec's
  // bounds. cpus: EINVAL for an offline CPU or one outside the parent's;
  // all online CPUs, or none, is no limit.
  [[nodiscard]] int set_cpu_max(GroupId id, const CpuMaxRequest& req, const Cred& cred);
  [[nodiscard]] int set_cpus(GroupId id, const CpuSet& cpus, const Cred& cred);
  // The CPUs the group's processes may run on (the online ones for 0).
  CpuSet effective_cpus(GroupId id) const;
  [[nodiscard]] int chmod_group(GroupId id, mode_t mode, const Cred& cred);
  // uid/gid of -1 leave that one as it is, as chown(2) does.
  [[nodiscard]] int chown_group(GroupId id, uid_t uid, gid_t gid, const Cred& cred);
  // usernice: ERANGE outside -20..19; EPERM unless root, or the user
  // raising their own level.
  [[nodiscard]] int set_usernice(uid_t uid, int nice, const Cred& cred);
  // Every uid whose level is not 0.
  const std::map<uid_t, int>& usernice() const { return usernice_; }

  // What the watcher saw.
  void process_appeared(const ProcessInfo& info, GroupId group);
  void process_forked(const ProcessInfo& child, pid_t parent);
  // A process seen in /proc that no event announced: placed where the
  // backend says it is.
  void process_found(const ProcessInfo& info);
  void process_gone(pid_t pid);
  void process_reniced(pid_t pid, int nice);
  void process_ids_changed(pid_t pid, uid_t uid, gid_t gid);
  // An exec ends a placement by hand (not a sticky one), if it came after
  // the move: `exec_ns` is when the kernel reported it (0: unknown, taken
  // as after).
  void process_execed(pid_t pid, std::uint64_t exec_ns = 0);
  void set_placement(pid_t pid, Placement how);

  std::vector<EntryChange> drain_changes();
  // Counts every change to which processes there are, their groups and
  // who placed them: what the placement marks (placement_marks.hpp) are
  // written from, so their keeper can tell that nothing moved without
  // looking at each process.
  std::uint64_t placements_version() const { return placements_version_; }

 private:
  // The group a control write (cpu.weight, scheduler, cpu.max, cpus)
  // changes, once the writer may: ENOENT, the permission errno, or 0.
  [[nodiscard]] int controlled_group(GroupId id, const Cred& cred, Group** out);
  [[nodiscard]] int move_group(GroupId id, GroupId new_parent, std::string_view new_name);
  [[nodiscard]] int move_pinned(Process& p, const ProcessPin& pin, GroupId to, const Cred& cred);
  // Makes the model's entry for a pinned process match it: a dead entry
  // with the same pid is dropped, the owner refreshed. Null for a kernel
  // thread.
  Process* adopt_pinned(const ProcessInfo& info);
  void undo_recycled_move(pid_t pid);
  void mark_placed(Process& p, Placement how);
  bool in_subtree(GroupId root, GroupId id) const;
  int depth_of(GroupId id) const;
  int subtree_height(GroupId id) const;
  int owned_by(uid_t uid) const;
  GroupId add_group(GroupId parent, std::string name, const GroupSettings& settings);

  Backend& backend_;
  ProcessPinner pinner_;
  Limits limits_;
  std::unordered_map<GroupId, Group> groups_;
  std::unordered_map<pid_t, Process> procs_;
  GroupId next_id_ = 1;
  std::vector<EntryChange> changes_;
  std::map<uid_t, int> usernice_;
  std::uint64_t placements_version_ = 0;
};

}  // namespace fsched
