// The enforcement engine behind the tree. The tree validates every request
// (names, permissions, emptiness) and keeps the model; a backend only makes
// the kernel do what the model says, and reports what the kernel holds so
// a restarted daemon can rebuild the model.
//
// Groups are named by their path below the host group 0: {} is 0 itself,
// {"guest", "batch"} is 0/guest/batch. Every call that changes something
// returns 0 or an errno, and on error leaves the kernel as it was.
#pragma once

#include <sys/types.h>

#include <cerrno>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caps.hpp"
#include "cpu_list.hpp"
#include "group_path.hpp"
#include "policies.hpp"
#include "ranges.hpp"

namespace fsched {

// What a group carries besides its members; persisted by the backend.
struct GroupSettings {
  int weight = kDefaultWeight;
  Policy policy = kDefaultPolicy;
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0755;
  CpuMax cpu_max;
  CpuSet cpus;  // as written: empty is no limit (the parent's CPUs)
};

struct DiscoveredGroup {
  GroupPath path;
  GroupSettings settings;
};

// What a backend weighs a process by: its nice level among its siblings,
// and, in a user-fair group, its owner (real uid), whose usernice weighs
// the owner's share.
struct MemberTraits {
  int nice = 0;
  uid_t uid = 0;
};

struct Usage {
  std::uint64_t usage_usec = 0;
  std::uint64_t user_usec = 0;
  std::uint64_t system_usec = 0;
};

// A guest scheduler the backend holds (docs/guests.md).
struct GuestInfo {
  std::string name;
  std::string ops_name;     // the object's own name for its scheduler
  std::uint32_t id = 0;     // stable while loaded, for inode numbers
  std::vector<GroupPath> groups;  // running it now
  std::vector<std::string> exits;  // "PATH REASON", the latest last
  std::vector<std::pair<std::string, std::uint64_t>> knobs;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string_view name() const = 0;
  virtual bool supports_policy(Policy policy) const = 0;

  // Groups the backend already holds, parents before children.
  virtual std::vector<DiscoveredGroup> discover() = 0;
  // The guest group a live process is in; nullopt for 0 (or unknown).
  virtual std::optional<GroupPath> locate(pid_t pid) = 0;

  [[nodiscard]] virtual int create_group(const GroupPath& path, const GroupSettings& settings) = 0;
  [[nodiscard]] virtual int remove_group(const GroupPath& path) = 0;
  // Rename and re-parent: `to` does not exist yet, its parent does.
  [[nodiscard]] virtual int move_group(const GroupPath& from, const GroupPath& to) = 0;
  [[nodiscard]] virtual int set_weight(const GroupPath& path, int weight) = 0;
  [[nodiscard]] virtual int set_policy(const GroupPath& path, Policy policy) = 0;
  // Caps (the spec's "Caps"). cpu.max applies to the group with all
  // below it. `cpus` is the group's own list (empty: none); the CPUs it
  // runs on are those within its parent's, or all of its parent's when
  // none are, as cgroup v2's cpuset.cpus.effective.
  [[nodiscard]] virtual int set_cpu_max(const GroupPath& path, const CpuMax& max) = 0;
  [[nodiscard]] virtual int set_cpus(const GroupPath& path, const CpuSet& cpus) = 0;
  // The CPUs online now.
  virtual CpuSet online_cpus() const = 0;
  // What cpu.stat counts for the group; nullopt when nothing is counted.
  virtual std::optional<Throttling> group_throttling(const GroupPath& path) = 0;
  // Owner and mode, kept so a restart finds them again.
  [[nodiscard]] virtual int store_settings(const GroupPath& path, const GroupSettings& settings) = 0;

  // Moves every thread of `pid` into the group (0 when `to` is empty).
  [[nodiscard]] virtual int move_process(pid_t pid, const GroupPath& to, const MemberTraits& traits) = 0;
  // A process forked inside a guest group: give it its own place there.
  virtual void process_forked(pid_t child, pid_t parent, const GroupPath& group,
                              const MemberTraits& traits) = 0;
  virtual void process_exited(pid_t pid) = 0;
  virtual void process_reniced(pid_t pid, int nice) = 0;
  // The real uid of a process in a guest group changed (setuid): a
  // user-fair group re-places it under its new owner.
  virtual void process_uid_changed(pid_t pid, uid_t uid) = 0;

  // usernice: every uid whose level is not 0, as the backend kept it
  // (across daemon restarts where it can).
  virtual std::map<uid_t, int> usernice_levels() = 0;
  // Weighs the user's share in every user-fair group; level 0 forgets it.
  [[nodiscard]] virtual int set_usernice(uid_t uid, int nice) = 0;

  // CPU time the group (with everything under it) used since it was
  // created; for 0, the whole machine's.
  virtual Usage group_usage(const GroupPath& path) = 0;
  // CPU time of one process as the enforcing scheduler counted it; nullopt
  // when the backend has no count of its own (the kernel's /proc then).
  virtual std::optional<std::uint64_t> process_usage_usec(pid_t) { return std::nullopt; }

  // Guest schedulers: loaded by root (`cp OBJ schedulers/NAME`), run by a
  // group (`echo NAME > G/scheduler`). A backend that cannot run them
  // answers EOPNOTSUPP with the reason in *why.
  [[nodiscard]] virtual int load_guest(const std::string& name, std::string elf,
                                       std::string* why) {
    (void)name;
    (void)elf;
    *why = "backend " + std::string(this->name()) +
           " cannot run guest schedulers: they need backend=scx on a kernel with sched_ext "
           "sub-schedulers (Linux 7.3 or later)";
    return EOPNOTSUPP;
  }
  virtual std::string guest_support() const {
    return "backend " + std::string(name()) + " runs no guest schedulers (backend=scx on Linux 7.3 "
           "or later does)";
  }
  virtual bool hosts_guests() const { return false; }
  // EBUSY while a group runs it.
  [[nodiscard]] virtual int unload_guest(const std::string& name) {
    (void)name;
    return ENOENT;
  }
  virtual std::vector<GuestInfo> guests() const { return {}; }
  // The guest the group runs, if any.
  virtual std::optional<std::string> guest_of(const GroupPath& path) const {
    (void)path;
    return std::nullopt;
  }
  // Puts the group under a loaded guest (ending the guest it ran before).
  // EBUSY: a guest runs above or below it.
  [[nodiscard]] virtual int activate_guest(const GroupPath& path, const std::string& name) {
    (void)path;
    (void)name;
    return EINVAL;
  }

  // Hands the group back to the host policy if a guest runs it.
  [[nodiscard]] virtual int end_guest(const GroupPath& path) {
    (void)path;
    return 0;
  }

  // Starts the backend's own threads, if it has any. Called once, after
  // the daemon detached: fuse_daemonize() forks, and a thread started
  // before it would stay behind in the parent, which exits.
  virtual void start() {}

  // The daemon is going away: drop what only the daemon needs, keep every
  // group and membership the user made.
  virtual void shutdown() = 0;
};

}  // namespace fsched
