#include "permissions.hpp"

#include <sys/stat.h>

#include <cerrno>

#include "tree.hpp"

namespace fsched {

namespace {
int root_only(const Cred& cred) {
  return cred.is_root() ? 0 : EACCES;
}
}  // namespace

int may_create_in(const Group&, const Cred& cred) {
  return root_only(cred);
}
int may_remove(const Group&, const Group&, const Cred& cred) {
  return root_only(cred);
}
int may_move_group(const Group&, const Group&, const Group&, const Cred& cred) {
  return root_only(cred);
}
int may_move_process(uid_t, const Group&, const Group&, const Cred& cred) {
  return root_only(cred);
}
int may_set_group_control(const Group&, const Group*, const Cred& cred) {
  return root_only(cred);
}
int may_open_for_write(const Cred& cred) {
  return root_only(cred);
}
int may_chmod(const Group&, const Cred& cred) {
  return root_only(cred);
}
int may_chown(const Group&, uid_t, gid_t, const Cred& cred) {
  return root_only(cred);
}

int check_access(mode_t mode, uid_t owner, gid_t group, int mask, const Cred& cred) {
  if (cred.is_root()) {
    // Root may execute only what someone may execute, as in the kernel.
    if ((mask & 1) && !(mode & 0111) && !S_ISDIR(mode)) return EACCES;
    return 0;
  }
  unsigned bits;
  bool in_group = cred.gid == group;
  for (gid_t g : cred.groups) in_group = in_group || g == group;
  if (cred.uid == owner)
    bits = (mode >> 6) & 7;
  else if (in_group)
    bits = (mode >> 3) & 7;
  else
    bits = mode & 7;
  return (static_cast<unsigned>(mask) & ~bits & 7) ? EACCES : 0;
}

}  // namespace fsched
