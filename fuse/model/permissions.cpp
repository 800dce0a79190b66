#include "permissions.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "tree.hpp"

namespace fsched {

namespace {
bool in_group(gid_t gid, const Cred& cred) {
  if (cred.gid == gid) return true;
  for (gid_t g : cred.groups())
    if (g == gid) return true;
  return false;
}
}  // namespace

int check_access(mode_t mode, uid_t owner, gid_t group, int mask, const Cred& cred) {
  mask &= R_OK | W_OK | X_OK;
  if (cred.is_root()) {
    // Root may execute only what someone may execute, as in the kernel.
    if ((mask & X_OK) && !(mode & 0111) && !S_ISDIR(mode)) return EACCES;
    return 0;
  }
  unsigned bits;
  if (cred.uid == owner)
    bits = (mode >> 6) & 7;
  else if (in_group(group, cred))
    bits = (mode >> 3) & 7;
  else
    bits = mode & 7;
  return (static_cast<unsigned>(mask) & ~bits) ? EACCES : 0;
}

int group_access(const Group& g, int mask, const Cred& cred) {
  return check_access(S_IFDIR | g.settings.mode, g.settings.uid, g.settings.gid, mask, cred);
}

int sticky_check(const Group& dir, uid_t entry_owner, const Cred& cred) {
  if (!(dir.settings.mode & S_ISVTX) || cred.is_root()) return 0;
  if (cred.uid == entry_owner || cred.uid == dir.settings.uid) return 0;
  return EPERM;
}

int may_create_in(const Group& parent, const Cred& cred) {
  return group_access(parent, W_OK | X_OK, cred);
}

int may_remove(const Group& parent, const Group& group, const Cred& cred) {
  if (int e = group_access(parent, W_OK | X_OK, cred)) return e;
  return sticky_check(parent, group.settings.uid, cred);
}

int may_move_group(const Group& from_parent, const Group& group, const Group& to_parent,
                   const Cred& cred) {
  if (int e = may_remove(from_parent, group, cred)) return e;
  if (int e = group_access(to_parent, W_OK | X_OK, cred)) return e;
  // A directory that changes parents has its ".." rewritten: the kernel
  // asks for write permission on it, and so do we.
  if (from_parent.id != to_parent.id) return group_access(group, W_OK, cred);
  return 0;
}

int may_move_process(uid_t process_uid, const Group& from, const Group& to, const Cred& cred) {
  if (int e = group_access(from, W_OK | X_OK, cred)) return e;
  if (int e = group_access(to, W_OK | X_OK, cred)) return e;
  if (cred.is_root() || cred.uid == process_uid) return 0;
  return EPERM;
}

int may_set_group_control(const Group* parent, const Cred& cred) {
  if (cred.is_root()) return 0;
  if (parent && cred.uid == parent->settings.uid) return 0;
  return EACCES;
}

int may_chmod(const Group& group, const Cred& cred) {
  return cred.is_root() || cred.uid == group.settings.uid ? 0 : EPERM;
}

int may_chown(const Group& group, uid_t uid, gid_t gid, const Cred& cred) {
  if (cred.is_root()) return 0;
  if (cred.uid != group.settings.uid || uid != group.settings.uid) return EPERM;
  if (gid != group.settings.gid && !in_group(gid, cred)) return EPERM;
  return 0;
}

mode_t chmod_mode(const Group& group, mode_t requested, const Cred& cred) {
  mode_t mode = requested & 07777;
  if (!cred.is_root() && (mode & S_ISGID) && !in_group(group.settings.gid, cred))
    mode &= ~static_cast<mode_t>(S_ISGID);
  return mode;
}

}  // namespace fsched
