// opendir takes a snapshot of the directory; readdir pages through it, so
// a listing is consistent even while processes come and go.
#include <cerrno>
#include <memory>
#include <shared_mutex>
#include <vector>

#include "file_handle.hpp"
#include "nodes.hpp"
#include "ops.hpp"

namespace fsched {

namespace {
int do_opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  FsContext& ctx = context_of(req);
  Node node;
  if (!node_of(ino, &node)) return ENOENT;
  if (!node.is_dir()) return ENOTDIR;
  auto handle = std::make_shared<DirHandle>();
  {
    std::shared_lock lock(ctx.mu);
    if (!list_dir(ctx, node, &handle->entries)) return ENOENT;
  }
  fi->fh = ctx.dirs.add(std::move(handle));
  return 0;
}
}  // namespace

void op_opendir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  if (int err = do_opendir(req, ino, fi))
    fuse_reply_err(req, err);
  else
    fuse_reply_open(req, fi);
}

void op_readdir(fuse_req_t req, fuse_ino_t, size_t size, off_t off, fuse_file_info* fi) {
  auto handle = context_of(req).dirs.get(fi->fh);
  if (!handle) {
    fuse_reply_err(req, EBADF);
    return;
  }
  std::vector<char> buf(size);
  size_t used = 0;
  for (auto i = static_cast<size_t>(off); i < handle->entries.size(); ++i) {
    const DirEntry& e = handle->entries[i];
    struct stat st {};
    st.st_ino = encode(e.node);
    st.st_mode = e.node.is_dir() ? S_IFDIR : e.node.is_link() ? S_IFLNK : S_IFREG;
    size_t need = fuse_add_direntry(req, buf.data() + used, size - used, e.name.c_str(), &st,
                                    static_cast<off_t>(i + 1));
    if (need > size - used) break;
    used += need;
  }
  fuse_reply_buf(req, buf.data(), used);
}

void op_releasedir(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  context_of(req).dirs.release(fi->fh);
  fuse_reply_err(req, 0);
}

}  // namespace fsched
