#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <shared_mutex>

#include "file_handle.hpp"
#include "nodes.hpp"
#include "ops.hpp"
#include "permissions.hpp"
#include "render.hpp"

namespace fsched {

namespace {
bool writable_node(Node node) {
  if (node.kind == NodeKind::usernice_file) return true;
  if (node.kind != NodeKind::group_file) return false;
  auto f = static_cast<GroupFile>(node.sub);
  return f == GroupFile::scheduler || f == GroupFile::cpu_weight || f == GroupFile::tasks ||
         is_cap_file(f);
}

int do_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  FsContext& ctx = context_of(req);
  Node node;
  if (!node_of(ino, &node)) return ENOENT;
  if (node.is_dir()) return EISDIR;
  // The kernel follows links itself; an open that reaches one had O_NOFOLLOW.
  if (node.is_link()) return ELOOP;
  int acc = fi->flags & O_ACCMODE;
  bool wants_write = acc == O_WRONLY || acc == O_RDWR;
  // cp onto a scheduler's name: a loaded one is replaced by rm, then cp.
  if (wants_write && (node.kind == NodeKind::scheduler_file || node.kind == NodeKind::guest_file))
    return EEXIST;
  if (wants_write && !writable_node(node)) return EACCES;
  int mask = (acc != O_WRONLY ? R_OK : 0) | (wants_write ? W_OK : 0);
  auto handle = std::make_shared<FileHandle>();
  handle->node = node;
  handle->append = fi->flags & O_APPEND;
  {
    std::shared_lock lock(ctx.mu);
    struct stat st;
    if (int err = node_stat(ctx, node, &st)) return err;
    // The kernel checked its cached mode; this is the mode now.
    if (int e = check_access(st.st_mode, st.st_uid, st.st_gid, mask, cred_of(req))) return e;
  }
  if (acc != O_WRONLY) {
    // A stats file's cpu_pct is measured only while someone reads it: the
    // first reader in a while waits for one window, with no lock held (it
    // holds one of libfuse's worker threads; the others go on serving).
    if (node.kind == NodeKind::pid_file && static_cast<PidFile>(node.sub) == PidFile::stats)
      ctx.stats.await(kProcessTier, ctx.stats_timeout);
    else if (node.kind == NodeKind::group_file &&
             static_cast<GroupFile>(node.sub) == GroupFile::stats)
      // entitled_pct of a group comes from its members' figures.
      ctx.stats.await(kAllTiers, ctx.stats_timeout);
    std::shared_lock lock(ctx.mu);
    auto text = render(ctx.tree, ctx.tree.backend(), ctx.stats, node);
    if (!text) return ENOENT;  // gone while we waited
    handle->content = std::move(*text);
  }
  fi->fh = ctx.handles.add(std::move(handle));
  // Sizes are unknown until read, as in /proc: bypass the page cache.
  fi->direct_io = 1;
  fi->keep_cache = 0;
  // A write takes effect when it is made, so close(2) has nothing to
  // flush: no FLUSH round trip (only a guest upload, opened by create,
  // verifies at close).
  fi->noflush = 1;
  return 0;
}
}  // namespace

void op_open(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  if (int err = do_open(req, ino, fi))
    fuse_reply_err(req, err);
  else
    fuse_reply_open(req, fi);
}

void op_read(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
  auto handle = context_of(req).handles.get(fi->fh);
  if (!handle) {
    fuse_reply_err(req, EBADF);
    return;
  }
  const std::string& text = handle->content;
  if (off < 0 || static_cast<size_t>(off) >= text.size()) {
    fuse_reply_buf(req, nullptr, 0);
    return;
  }
  size_t n = std::min(size, text.size() - static_cast<size_t>(off));
  fuse_reply_buf(req, text.data() + off, n);
}

void op_release(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  FsContext& ctx = context_of(req);
  if (auto handle = ctx.handles.get(fi->fh); handle && handle->upload)
    drop_upload(ctx, *handle->upload);
  ctx.handles.release(fi->fh);
  fuse_reply_err(req, 0);
}

}  // namespace fsched
