#include <cerrno>
#include <shared_mutex>

#include "nodes.hpp"
#include "ops.hpp"
#include "permissions.hpp"

namespace fsched {

namespace {
int do_access(fuse_req_t req, fuse_ino_t ino, int mask) {
  FsContext& ctx = context_of(req);
  Node node;
  if (!node_of(ino, &node)) return ENOENT;
  std::shared_lock lock(ctx.mu);
  struct stat st;
  if (int err = node_stat(ctx, node, &st)) return err;
  return check_access(st.st_mode, st.st_uid, st.st_gid, mask, cred_of(req));
}
}  // namespace

void op_access(fuse_req_t req, fuse_ino_t ino, int mask) {
  fuse_reply_err(req, do_access(req, ino, mask));
}

}  // namespace fsched
