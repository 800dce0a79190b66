#include <cerrno>
#include <mutex>

#include "ops.hpp"

namespace fsched {

namespace {
int do_rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  FsContext& ctx = context_of(req);
  Node dir;
  if (!node_of(parent, &dir)) return ENOENT;
  // 0 and schedulers/ are the tree itself; a process is not removable.
  if (dir.kind != NodeKind::group_dir) return EPERM;
  std::unique_lock lock(ctx.mu);
  return ctx.tree.remove_group(dir.id, name, cred_of(req));
}
}  // namespace

void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  fuse_reply_err(req, do_rmdir(req, parent, name));
}

}  // namespace fsched
