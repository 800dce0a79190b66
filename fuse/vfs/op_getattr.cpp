#include <cerrno>
#include <shared_mutex>

#include "nodes.hpp"
#include "ops.hpp"

namespace fsched {

namespace {
int do_getattr(fuse_req_t req, fuse_ino_t ino, struct stat* st) {
  FsContext& ctx = context_of(req);
  Node node;
  if (!node_of(ino, &node)) return ENOENT;
  std::shared_lock lock(ctx.mu);
  return node_stat(ctx, node, st);
}
}  // namespace

void op_getattr(fuse_req_t req, fuse_ino_t ino, fuse_file_info*) {
  struct stat st;
  if (int err = do_getattr(req, ino, &st))
    fuse_reply_err(req, err);
  else
    fuse_reply_attr(req, &st, context_of(req).attr_timeout);
}

}  // namespace fsched
