#include <cerrno>
#include <mutex>

#include "ops.hpp"

namespace fsched {

namespace {
int do_mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode,
             fuse_entry_param* e) {
  FsContext& ctx = context_of(req);
  Node dir;
  if (!node_of(parent, &dir)) return ENOENT;
  // Groups live in groups only: not at the mount root, not in a process.
  if (dir.kind != NodeKind::group_dir) return EPERM;
  std::unique_lock lock(ctx.mu);
  GroupId id = 0;
  if (int err = ctx.tree.make_group(dir.id, name, mode, cred_of(req), &id)) return err;
  return fill_entry(ctx, Node{NodeKind::group_dir, id, 0}, e);
}
}  // namespace

void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode) {
  fuse_entry_param e;
  if (int err = do_mkdir(req, parent, name, mode, &e))
    fuse_reply_err(req, err);
  else
    fuse_reply_entry(req, &e);
}

}  // namespace fsched
