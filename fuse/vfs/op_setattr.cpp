// chmod/chown of a group; truncating a control file to 0 (a shell's `>`)
// is accepted from whoever may write it and does nothing; any other size,
// and everything else, is refused.
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <shared_mutex>

#include "nodes.hpp"
#include "ops.hpp"
#include "permissions.hpp"

namespace fsched {

namespace {
int do_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, struct stat* out) {
  FsContext& ctx = context_of(req);
  Node node;
  if (!node_of(ino, &node)) return ENOENT;
  const Cred cred = cred_of(req);
  constexpr int kTimes = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
                         FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME;
  std::unique_lock lock(ctx.mu);
  if (node.kind == NodeKind::group_dir) {
    if (to_set & FUSE_SET_ATTR_SIZE) return EISDIR;
    if (to_set & FUSE_SET_ATTR_MODE)
      if (int e = ctx.tree.chmod_group(node.id, attr->st_mode, cred)) return e;
    if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
      uid_t uid = (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : static_cast<uid_t>(-1);
      gid_t gid = (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : static_cast<gid_t>(-1);
      if (int e = ctx.tree.chown_group(node.id, uid, gid, cred)) return e;
    }
  } else if (node.kind == NodeKind::group_file || node.kind == NodeKind::usernice_file) {
    if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) return EPERM;
    if (to_set & FUSE_SET_ATTR_SIZE) {
      if (node.kind == NodeKind::group_file && static_cast<GroupFile>(node.sub) == GroupFile::stats)
        return EACCES;
      struct stat st;
      if (int e = node_stat(ctx, node, &st)) return e;
      if (int e = check_access(st.st_mode, st.st_uid, st.st_gid, W_OK, cred)) return e;
      // A value is one write(2); there is nothing to cut or to pad.
      if (attr->st_size != 0) return EINVAL;
    }
  } else if (to_set & ~kTimes) {
    return EPERM;
  }
  // Times are not kept; touch(1) succeeds and changes nothing.
  return node_stat(ctx, node, out);
}
}  // namespace

void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info*) {
  struct stat st;
  if (int err = do_setattr(req, ino, attr, to_set, &st))
    fuse_reply_err(req, err);
  else
    fuse_reply_attr(req, &st, context_of(req).attr_timeout);
}

}  // namespace fsched
