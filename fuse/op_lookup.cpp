#include <cerrno>
#include <shared_mutex>

#include "nodes.hpp"
#include "ops.hpp"

namespace fsched {

namespace {
int do_lookup(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_entry_param* e) {
  FsContext& ctx = context_of(req);
  Node dir;
  if (!node_of(parent, &dir)) return ENOENT;
  std::shared_lock lock(ctx.mu);
  Node child;
  if (int err = resolve(ctx, dir, name, &child)) return err;
  return fill_entry(ctx, child, e);
}
}  // namespace

void op_lookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  fuse_entry_param e;
  if (int err = do_lookup(req, parent, name, &e))
    fuse_reply_err(req, err);
  else
    fuse_reply_entry(req, &e);
}

}  // namespace fsched
