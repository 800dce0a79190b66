#include "leaf_pool.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "cgroup_names.hpp"

namespace fsched {

using namespace cgnames;

std::string user_dir_of(const std::string& leaf_name) {
  auto slash = leaf_name.find('/');
  return slash == std::string::npos ? "" : leaf_name.substr(0, slash);
}

void LeafPool::rekey(const GroupPath& from, const GroupPath& to) {
  std::vector<std::pair<GroupPath, Pool>> moved;
  for (auto it = pools_.begin(); it != pools_.end();) {
    if (!has_prefix(it->first, from)) {
      ++it;
      continue;
    }
    moved.emplace_back(rebase(it->first, from, to), std::move(it->second));
    it = pools_.erase(it);
  }
  for (auto& [k, v] : moved) pools_.emplace(std::move(k), std::move(v));
}

std::vector<std::string> LeafPool::leaf_names(const GroupPath& group) {
  std::vector<std::string> out;
  const std::string dir = dir_of_(group);
  for (const auto& name : fs_.subdirs(dir)) {
    if (name.starts_with(kLeafPrefix)) out.push_back(name);
    if (!name.starts_with(kUserPrefix)) continue;
    for (const auto& leaf : fs_.subdirs(dir + "/" + name))
      if (leaf.starts_with(kLeafPrefix)) out.push_back(name + "/" + leaf);
  }
  return out;
}

int LeafPool::open_user(const GroupPath& group, const std::string& user_dir, int nice) {
  Pool& pool = pools_[group];
  if (pool.users.count(user_dir)) return 0;
  const std::string dir = dir_of_(group) + "/" + user_dir;
  int e = fs_.make_dir(dir);
  if (e == EEXIST) e = 0;  // left by an earlier daemon: re-weighed here
  if (!e) e = fs_.enable_cpu(dir);
  if (!e) e = fs_.set_nice(dir, nice);
  if (e) {
    fs_.remove_dir(dir);
    return e;
  }
  pool.users[user_dir] = 0;
  return 0;
}

void LeafPool::close_user(const GroupPath& group, const std::string& user_dir) {
  auto pool = pools_.find(group);
  if (pool == pools_.end()) return;
  const std::string dir = dir_of_(group);
  std::erase_if(pool->second.spare, [&](const std::string& leaf) {
    if (user_dir_of(leaf) != user_dir) return false;
    fs_.remove_dir(dir + "/" + leaf);
    return true;
  });
  fs_.remove_dir(dir + "/" + user_dir);
  pool->second.users.erase(user_dir);
}

void LeafPool::close_unused_users() {
  for (auto& [group, pool] : pools_) {
    std::vector<std::string> unused;
    for (const auto& [user_dir, n] : pool.users)
      if (n <= 0) unused.push_back(user_dir);
    for (const auto& user_dir : unused) close_user(group, user_dir);
  }
}

std::vector<GroupPath> LeafPool::groups_with_user(const std::string& user_dir) const {
  std::vector<GroupPath> out;
  for (const auto& [group, pool] : pools_)
    if (pool.users.count(user_dir)) out.push_back(group);
  return out;
}

int LeafPool::take(const GroupPath& group, const std::string& user_dir, std::string* name) {
  Pool& pool = pools_[group];
  auto counted = [&] {
    if (!user_dir.empty()) ++pool.users[user_dir];
    return 0;
  };
  for (auto it = pool.spare.rbegin(); it != pool.spare.rend(); ++it) {
    if (user_dir_of(*it) != user_dir) continue;
    *name = *it;
    pool.spare.erase(std::next(it).base());
    return counted();
  }
  const std::string dir = dir_of_(group) + "/" + (user_dir.empty() ? "" : user_dir + "/");
  int e = EAGAIN;
  for (int tries = 0; tries < 64; ++tries) {
    std::string candidate = std::string(kLeafPrefix) + std::to_string(pool.next++);
    e = fs_.make_dir(dir + candidate);
    if (e == EEXIST) {
      e = EAGAIN;
      continue;
    }
    if (e) break;
    *name = user_dir.empty() ? candidate : user_dir + "/" + candidate;
    return counted();
  }
  // A user directory opened for this leaf has no reason to stay.
  if (!user_dir.empty()) {
    auto u = pool.users.find(user_dir);
    if (u != pool.users.end() && u->second == 0) close_user(group, user_dir);
  }
  return e;
}

void LeafPool::keep_or_remove(Pool& pool, const std::string& dir, const std::string& name,
                              bool reset_ok) {
  if (reset_ok && pool.spare.size() < kMaxSpareLeaves)
    pool.spare.push_back(name);
  else
    fs_.remove_dir(dir);
}

std::optional<pid_t> LeafPool::release(const GroupPath& group, const std::string& name, int nice) {
  auto pool = pools_.find(group);
  if (pool == pools_.end()) return std::nullopt;  // the group went away with it
  const std::string dir = dir_of_(group) + "/" + name;
  auto stragglers = fs_.procs(dir);
  if (!stragglers.empty()) return stragglers.front();
  keep_or_remove(pool->second, dir, name, nice == 0 || fs_.set_nice(dir, 0) == 0);
  // A user with no process left here stops competing: drop the directory.
  if (auto user_dir = user_dir_of(name); !user_dir.empty()) {
    auto count = pool->second.users.find(user_dir);
    if (count == pool->second.users.end() || --count->second <= 0) close_user(group, user_dir);
  }
  return std::nullopt;
}

void LeafPool::adopt(const GroupPath& group, const std::string& name, bool in_use) {
  Pool& pool = pools_[group];
  const auto slash = name.rfind('/');
  const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
  unsigned n = 0;
  if (std::sscanf(base.c_str() + kLeafPrefix.size(), "%u", &n) == 1)
    pool.next = std::max(pool.next, n + 1);
  if (in_use) {
    if (auto user_dir = user_dir_of(name); !user_dir.empty()) ++pool.users[user_dir];
    return;
  }
  const std::string dir = dir_of_(group) + "/" + name;
  keep_or_remove(pool, dir, name, fs_.set_nice(dir, 0) == 0);
}

void LeafPool::remove_all(const GroupPath& group) {
  const std::string dir = dir_of_(group);
  for (const auto& leaf : leaf_names(group)) fs_.remove_dir(dir + "/" + leaf);
  for (const auto& name : fs_.subdirs(dir))
    if (name.starts_with(kUserPrefix)) fs_.remove_dir(dir + "/" + name);
  if (auto pool = pools_.find(group); pool != pools_.end()) {
    pool->second.spare.clear();
    pool->second.users.clear();
  }
}

void LeafPool::drop_spares() {
  for (auto& [group, pool] : pools_) {
    for (const auto& leaf : pool.spare) fs_.remove_dir(dir_of_(group) + "/" + leaf);
    pool.spare.clear();
  }
}

}  // namespace fsched
