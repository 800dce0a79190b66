// `mv` of a pid directory moves the process; `mv` of a group renames or
// re-parents it. Never EXDEV: coreutils mv would fall back to copying.
#include <cerrno>
#include <mutex>

#include "ops.hpp"

namespace fsched {

namespace {
int do_rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent,
              const char* newname, unsigned flags) {
  FsContext& ctx = context_of(req);
  Node from, to;
  if (!node_of(parent, &from) || !node_of(newparent, &to)) return ENOENT;
  if (from.kind != NodeKind::group_dir || to.kind != NodeKind::group_dir) return EPERM;
  std::unique_lock lock(ctx.mu);
  int err = ctx.tree.rename(from.id, name, to.id, newname, flags, cred_of(req));
  ctx.flush_changes_except(from.id, name);
  return err;
}
}  // namespace

void op_rename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent,
               const char* newname, unsigned int flags) {
  fuse_reply_err(req, do_rename(req, parent, name, newparent, newname, flags));
}

}  // namespace fsched
