// An in-memory backend: the kernel replaced by maps, for unit tests of the
// tree and the FUSE layer. `fail_next` makes the next change fail so tests
// can check that a failed operation changes nothing.
#pragma once

#include <functional>
#include <map>
#include <optional>

#include "backend.hpp"

namespace fsched {

class MemoryBackend : public Backend {
 public:
  std::string_view name() const override { return "memory"; }
  bool supports_policy(Policy policy) const override;
  std::vector<DiscoveredGroup> discover() override;
  std::optional<GroupPath> locate(pid_t pid) override;
  int create_group(const GroupPath& path, const GroupSettings& settings) override;
  int remove_group(const GroupPath& path) override;
  int move_group(const GroupPath& from, const GroupPath& to) override;
  int set_weight(const GroupPath& path, int weight) override;
  int set_policy(const GroupPath& path, Policy policy) override;
  int store_settings(const GroupPath& path, const GroupSettings& settings) override;
  int set_cpu_max(const GroupPath& path, const CpuMax& max) override;
  int set_cpus(const GroupPath& path, const CpuSet& cpus) override;
  CpuSet online_cpus() const override { return online; }
  std::optional<Throttling> group_throttling(const GroupPath& path) override;
  int move_process(pid_t pid, const GroupPath& to, const MemberTraits& traits) override;
  void process_forked(pid_t child, pid_t parent, const GroupPath& group,
                      const MemberTraits& traits) override;
  void process_exited(pid_t pid) override;
  void process_reniced(pid_t pid, int nice) override;
  void process_uid_changed(pid_t pid, uid_t uid) override;
  std::map<uid_t, int> usernice_levels() override { return usernice; }
  int set_usernice(uid_t uid, int nice) override;
  Usage group_usage(const GroupPath& path) override;
  void shutdown() override {}

  int fail_next = 0;  // errno the next change returns, then reset
  // Runs just before a process is placed: a test's way to make it exit
  // (or its pid be reused) in the middle of a move.
  std::function<void(pid_t)> before_move;
  std::map<GroupPath, GroupSettings> groups;
  std::map<pid_t, GroupPath> placement;  // absent: in 0
  std::map<pid_t, int> nice;
  std::map<pid_t, uid_t> owner;  // as last told, for processes in guest groups
  std::map<uid_t, int> usernice;
  std::map<GroupPath, Usage> usage;
  std::map<GroupPath, Throttling> throttling;
  CpuSet online = read_cpu_list_file("/sys/devices/system/cpu/online").value_or(CpuSet{});

 private:
  int take_failure();
};

}  // namespace fsched
