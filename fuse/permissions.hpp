// Who may change what. Every check is made by the daemon from the request's
// credentials, whatever the kernel's attribute cache says.
//
// Until the delegation rules of the spec land, the tree is read-only for
// everyone but root: each change answers EACCES to other callers.
#pragma once

#include <sys/types.h>

#include "cred.hpp"

namespace fsched {

struct Group;

int may_create_in(const Group& parent, const Cred& cred);
int may_remove(const Group& parent, const Group& group, const Cred& cred);
int may_move_group(const Group& from_parent, const Group& group, const Group& to_parent,
                   const Cred& cred);
int may_move_process(uid_t process_uid, const Group& from, const Group& to, const Cred& cred);
// cpu.weight and scheduler belong to whoever splits the parent's CPU.
int may_set_group_control(const Group& group, const Group* parent, const Cred& cred);
int may_open_for_write(const Cred& cred);
int may_chmod(const Group& group, const Cred& cred);
int may_chown(const Group& group, uid_t uid, gid_t gid, const Cred& cred);
// access(2): POSIX owner/group/other bits of a node's mode, root passes.
int check_access(mode_t mode, uid_t owner, gid_t group, int mask, const Cred& cred);

}  // namespace fsched
