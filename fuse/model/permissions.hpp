// Who may change what: the Permissions section of the spec, made of the
// POSIX rules a user already knows from directories.
//
// The kernel (mounted default_permissions) checks the same rules against
// the attributes it cached; the daemon checks them again here against the
// tree as it is now and the credentials the request carries, so a stale
// cache can only refuse too much, never let too much through.
#pragma once

#include <sys/types.h>

#include "cred.hpp"

namespace fsched {

struct Group;

// access(2) on a node with these attributes: POSIX owner/group/other bits,
// supplementary groups included; root passes everything but executing a
// file no one may execute.
int check_access(mode_t mode, uid_t owner, gid_t group, int mask, const Cred& cred);
// The same for a group directory.
int group_access(const Group& g, int mask, const Cred& cred);
// Whether `cred` may take an entry owned by `entry_owner` out of `dir`:
// in a sticky directory only that owner, the directory's owner or root.
int sticky_check(const Group& dir, uid_t entry_owner, const Cred& cred);

int may_create_in(const Group& parent, const Cred& cred);
int may_remove(const Group& parent, const Group& group, const Cred& cred);
int may_move_group(const Group& from_parent, const Group& group, const Group& to_parent,
                   const Cred& cred);
// Write permission on both groups (EACCES), then being root or the
// process's owner (EPERM).
int may_move_process(uid_t process_uid, const Group& from, const Group& to, const Cred& cred);
// cpu.weight and scheduler belong to whoever splits the parent's CPU; the
// host group's to root. `parent` is null for the host group.
int may_set_group_control(const Group* parent, const Cred& cred);
// The owner or root; everyone else EPERM, as chmod(2).
int may_chmod(const Group& group, const Cred& cred);
// chown(2) on Linux: only root gives a group away; its owner may change
// the gid to one of their own groups.
int may_chown(const Group& group, uid_t uid, gid_t gid, const Cred& cred);
// The mode chmod(2) really sets: setgid drops when a non-root caller is
// not in the group's gid, as the kernel does.
mode_t chmod_mode(const Group& group, mode_t requested, const Cred& cred);

}  // namespace fsched
