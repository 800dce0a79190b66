#include "ops.hpp"

#include <cstring>
#include <mutex>
#include <shared_mutex>

#include "nodes.hpp"

namespace fsched {

FsContext& context_of(fuse_req_t req) {
  return *static_cast<FsContext*>(fuse_req_userdata(req));
}

Cred cred_of(fuse_req_t req) {
  const fuse_ctx* c = fuse_req_ctx(req);
  // The loader runs within the request, while `req` is alive.
  return Cred{c->uid, c->gid, c->pid, [req] {
                gid_t groups[64];
                int n = fuse_req_getgroups(req, 64, groups);
                return n > 0 ? std::vector<gid_t>(groups, groups + std::min(n, 64))
                             : std::vector<gid_t>{};
              }};
}

bool node_of(fuse_ino_t ino, Node* out) {
  return decode(ino, out);
}

int fill_entry(const FsContext& ctx, Node node, fuse_entry_param* e) {
  std::memset(e, 0, sizeof *e);
  if (int err = node_stat(ctx, node, &e->attr)) return err;
  e->ino = encode(node);
  e->generation = node_generation(ctx, node);
  e->attr_timeout = ctx.attr_timeout;
  e->entry_timeout = ctx.entry_timeout;
  // A guest file's inode changes when cp's upload becomes a loaded guest,
  // and rm takes it away: the kernel asks each time.
  if (node.kind == NodeKind::guest_file) e->entry_timeout = e->attr_timeout = 0;
  return 0;
}

void op_init(void*, fuse_conn_info* conn) {
  // O_TRUNC arrives with open() instead of as a separate setattr, so
  // `echo 5 > cpu.weight` is one request that cannot half-succeed.
  if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC) conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
  conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
}

void op_forget(fuse_req_t req, fuse_ino_t, uint64_t) {
  fuse_reply_none(req);
}
void op_forget_multi(fuse_req_t req, size_t, fuse_forget_data*) {
  fuse_reply_none(req);
}

fuse_lowlevel_ops make_ops() {
  fuse_lowlevel_ops ops{};
  ops.init = op_init;
  ops.lookup = op_lookup;
  ops.forget = op_forget;
  ops.forget_multi = op_forget_multi;
  ops.getattr = op_getattr;
  ops.setattr = op_setattr;
  ops.readlink = op_readlink;
  ops.access = op_access;
  ops.opendir = op_opendir;
  ops.readdir = op_readdir;
  ops.releasedir = op_releasedir;
  ops.open = op_open;
  ops.read = op_read;
  ops.release = op_release;
  ops.flush = op_flush;
  ops.write = op_write;
  ops.mkdir = op_mkdir;
  ops.rmdir = op_rmdir;
  ops.rename = op_rename;
  ops.unlink = op_unlink;
  ops.mknod = op_mknod;
  ops.symlink = op_symlink;
  ops.link = op_link;
  ops.create = op_create;
  ops.setxattr = op_setxattr;
  ops.getxattr = op_getxattr;
  ops.listxattr = op_listxattr;
  ops.removexattr = op_removexattr;
  return ops;
}

}  // namespace fsched
