// The leaves of every group: directories proc-<n> holding one process each
// (user-<uid>/proc-<n> in a user-fair group), and the user directories of
// user-fair groups. A leaf left empty is reset to nice 0 and kept as a
// spare (kMaxSpareLeaves per group), so a move is usually one cgroup.procs
// write; a user directory lives while its user has a leaf in use in it.
//
// The pool touches the kernel only through LeafFs, so its bookkeeping is
// unit-tested over a fake (tests/unit/test_leaf_pool.cpp).
//
// Lock note: called under the tree's exclusive lock, as the backend is.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "group_path.hpp"

namespace fsched {

class LeafFs {
 public:
  virtual ~LeafFs() = default;
  [[nodiscard]] virtual int make_dir(const std::string& dir) = 0;  // EEXIST when there
  virtual void remove_dir(const std::string& dir) = 0;             // logs a failure
  virtual std::vector<pid_t> procs(const std::string& dir) = 0;
  virtual std::vector<std::string> subdirs(const std::string& dir) = 0;
  [[nodiscard]] virtual int enable_cpu(const std::string& dir) = 0;
  [[nodiscard]] virtual int set_nice(const std::string& dir, int nice) = 0;
};

// "user-9000/proc-3" -> "user-9000"; "proc-3" -> "".
std::string user_dir_of(const std::string& leaf_name);

class LeafPool {
 public:
  using DirOf = std::function<std::string(const GroupPath&)>;
  LeafPool(LeafFs& fs, DirOf dir_of) : fs_(fs), dir_of_(std::move(dir_of)) {}

  void add_group(const GroupPath& group) { pools_[group] = Pool{}; }
  // Forgets the group's pool; its directories are the caller's.
  void forget_group(const GroupPath& group) { pools_.erase(group); }
  void clear() { pools_.clear(); }
  bool knows(const GroupPath& group) const { return pools_.count(group) != 0; }
  // Pools of `from` and its subtree now belong to `to` (a renamed group).
  void rekey(const GroupPath& from, const GroupPath& to);

  // Every leaf directory of a group, as names relative to it.
  std::vector<std::string> leaf_names(const GroupPath& group);

  // Makes (or finds) the user directory, weighed by the user's `nice`.
  [[nodiscard]] int open_user(const GroupPath& group, const std::string& user_dir, int nice);
  // Removes the user directory and its spare leaves.
  void close_user(const GroupPath& group, const std::string& user_dir);
  // Closes the user directories no leaf is in use in (after a rescan).
  void close_unused_users();
  // Groups where the user directory is open.
  std::vector<GroupPath> groups_with_user(const std::string& user_dir) const;

  // A leaf for one process, in `user_dir` ("" outside user-fair groups),
  // which must be open: a spare, else a new directory.
  [[nodiscard]] int take(const GroupPath& group, const std::string& user_dir, std::string* name);
  // The leaf's process left it (its nice level was `nice`). Returns the pid
  // that inherits it when processes are still in it (children forked there
  // before their fork was handled); else it becomes a spare or goes.
  std::optional<pid_t> release(const GroupPath& group, const std::string& name, int nice);
  // A leaf found in cgroupfs at start: `in_use` when a process is in it.
  void adopt(const GroupPath& group, const std::string& name, bool in_use);

  // Removes every spare leaf and user directory of the group (for rmdir).
  void remove_all(const GroupPath& group);
  // Removes every spare leaf (at shutdown); user directories stay.
  void drop_spares();

 private:
  struct Pool {
    std::vector<std::string> spare;    // leaf names, relative to the group
    std::map<std::string, int> users;  // user-<uid> -> leaves in use in it
    unsigned next = 0;                 // the next proc-<n> to try
  };
  void keep_or_remove(Pool& pool, const std::string& dir, const std::string& name, bool reset_ok);

  LeafFs& fs_;
  DirOf dir_of_;
  std::map<GroupPath, Pool> pools_;
};

}  // namespace fsched
