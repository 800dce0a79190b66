// The reference model of the random test (test_random.cpp): the spec, as
// a user of the mounted tree sees it, predicting every errno.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <string>
#include <utility>

namespace it::random_test {

inline constexpr int kMaxDepth = 3;
inline constexpr int kPerUser = 3;

struct MGroup {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0755;
};

// The spec, as a user of the tree sees it.
class Model {
 public:
  std::map<std::string, MGroup> groups{{"", MGroup{0, 0, 01777}}};  // "" is 0/
  std::map<pid_t, std::pair<uid_t, std::string>> procs;             // owner, group

  static std::string parent_of(const std::string& g) { return g.substr(0, g.rfind('/')); }
  static int depth(const std::string& g) {
    return static_cast<int>(std::count(g.begin(), g.end(), '/'));
  }
  bool inside(const std::string& g, const std::string& root) const {
    return g == root || g.starts_with(root + "/");
  }
  int height(const std::string& g) const {
    int h = 0;
    for (const auto& [path, _] : groups)
      if (inside(path, g)) h = std::max(h, depth(path) - depth(g) + 1);
    return h;
  }
  bool has_members(const std::string& g) const {
    for (const auto& [path, _] : groups)
      if (path != g && parent_of(path) == g && !path.empty()) return true;
    for (const auto& [pid, p] : procs)
      if (p.second == g) return true;
    return false;
  }
  int owned_by(uid_t uid) const {
    int n = 0;
    for (const auto& [path, g] : groups)
      if (!path.empty() && g.uid == uid) ++n;
    return n;
  }
  static bool may(const MGroup& g, unsigned mask, uid_t uid) {
    if (uid == 0) return true;
    unsigned bits = uid == g.uid   ? (g.mode >> 6) & 7
                    : uid == g.gid ? (g.mode >> 3) & 7
                                   : g.mode & 7;
    return (mask & ~bits) == 0;
  }
  // Path walk to group g: search permission on every group passed through.
  int walk(const std::string& g, uid_t uid) const {
    std::string cur;
    std::size_t i = 0;
    while (i < g.size()) {
      if (!may(groups.at(cur), 1, uid)) return EACCES;
      std::size_t j = g.find('/', i + 1);
      if (j == std::string::npos) j = g.size();
      cur = g.substr(0, j);
      if (!groups.count(cur)) return ENOENT;
      i = j;
    }
    return 0;
  }
  // Path walk to an entry of g (group or file): g must be searchable too.
  int walk_into(const std::string& g, uid_t uid) const {
    if (int e = walk(g, uid)) return e;
    return may(groups.at(g), 1, uid) ? 0 : EACCES;
  }
  // The kernel's may_delete: write+search on the directory, then sticky.
  int may_delete(const std::string& dir, uid_t entry_owner, uid_t uid) const {
    const MGroup& d = groups.at(dir);
    if (!may(d, 3, uid)) return EACCES;
    if ((d.mode & S_ISVTX) && uid != 0 && uid != entry_owner && uid != d.uid) return EPERM;
    return 0;
  }

  // The last component's lookup, too, needs search permission on its
  // directory (this kernel checks it before anything else).
  int mkdir(const std::string& g, mode_t mode, uid_t uid) {
    std::string p = parent_of(g);
    if (int e = walk_into(p, uid)) return e;
    if (groups.count(g)) return EEXIST;
    if (!may(groups.at(p), 3, uid)) return EACCES;
    if (depth(g) > kMaxDepth) return EAGAIN;
    if (uid != 0 && owned_by(uid) >= kPerUser) return EAGAIN;
    groups[g] = MGroup{uid, uid, mode};
    return 0;
  }
  int rmdir(const std::string& g, uid_t uid) {
    std::string p = parent_of(g);
    if (int e = walk_into(p, uid)) return e;
    if (!groups.count(g)) return ENOENT;
    if (int e = may_delete(p, groups.at(g).uid, uid)) return e;
    if (has_members(g)) return ENOTEMPTY;
    groups.erase(g);
    return 0;
  }
  // `to` does not exist (the generator makes sure).
  int rename_group(const std::string& from, const std::string& to, uid_t uid) {
    std::string p = parent_of(from), q = parent_of(to);
    if (int e = walk(p, uid)) return e;
    if (int e = walk(q, uid)) return e;
    if (!may(groups.at(p), 1, uid)) return EACCES;
    if (!groups.count(from)) return ENOENT;
    if (!may(groups.at(q), 1, uid)) return EACCES;
    if (inside(q, from)) return EINVAL;
    if (int e = may_delete(p, groups.at(from).uid, uid)) return e;
    if (!may(groups.at(q), 3, uid)) return EACCES;
    if (p != q && !may(groups.at(from), 2, uid)) return EACCES;
    if (depth(q) + height(from) > kMaxDepth) return EAGAIN;
    std::map<std::string, MGroup> next;
    for (auto& [path, g] : groups)
      next[inside(path, from) ? to + path.substr(from.size()) : path] = g;
    groups.swap(next);
    for (auto& [pid, pr] : procs)
      if (inside(pr.second, from)) pr.second = to + pr.second.substr(from.size());
    return 0;
  }
  int mv_process(pid_t pid, const std::string& from, const std::string& to, uid_t uid) {
    if (int e = walk(from, uid)) return e;
    if (int e = walk(to, uid)) return e;
    if (!may(groups.at(from), 1, uid)) return EACCES;  // the lookup of <pid>
    auto& pr = procs.at(pid);
    if (pr.second != from) return ENOENT;
    if (!may(groups.at(to), 1, uid)) return EACCES;
    if (int e = may_delete(from, pr.first, uid)) return e;
    if (!may(groups.at(to), 3, uid)) return EACCES;
    // The kernel wants write permission on the moving directory (0755,
    // the process's owner's).
    if (uid != 0 && uid != pr.first) return EACCES;
    pr.second = to;
    return 0;
  }
  int write_tasks(pid_t pid, const std::string& to, uid_t uid) {
    if (int e = walk_into(to, uid)) return e;
    MGroup tasks = groups.at(to);
    tasks.mode = 0444 | (tasks.mode & 0222);
    if (!may(tasks, 2, uid)) return EACCES;
    auto& pr = procs.at(pid);
    if (!may(groups.at(pr.second), 3, uid) || !may(groups.at(to), 3, uid)) return EACCES;
    if (uid != 0 && uid != pr.first) return EPERM;
    pr.second = to;
    return 0;
  }
  int chmod(const std::string& g, mode_t mode, uid_t uid) {
    if (int e = walk(g, uid)) return e;
    if (uid != 0 && uid != groups.at(g).uid) return EPERM;
    groups.at(g).mode = mode;
    return 0;
  }
  int chown(const std::string& g, uid_t to, uid_t uid) {
    if (int e = walk(g, uid)) return e;
    MGroup& m = groups.at(g);
    if (uid != 0 && !(uid == m.uid && to == m.uid)) return EPERM;
    m.uid = to;
    return 0;
  }
  int write_weight(const std::string& g, int value, uid_t uid) {
    if (int e = walk_into(g, uid)) return e;
    bool host = g.empty();
    MGroup file = host ? MGroup{0, 0, 0444} : groups.at(parent_of(g));
    if (!host) file.mode = 0644;
    if (!may(file, 2, uid)) return EACCES;
    if (value < 1 || value > 10000) return ERANGE;
    if (host) return EPERM;
    return 0;
  }
};

}  // namespace it::random_test
