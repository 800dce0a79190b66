// Guest schedulers as files of schedulers/ (docs/guests.md): create and
// write collect a compiled guest, flush (close) loads it, unlink unloads
// it. Only root loads and unloads; the checks are the spec's, in its order.
#include <fcntl.h>

#include <cerrno>
#include <mutex>
#include <shared_mutex>

#include "log.hpp"
#include "names.hpp"
#include "nodes.hpp"
#include "ops.hpp"
#include "policies.hpp"

namespace fsched {

namespace {

// More than any scheduler needs; a bound on what a writer can make us hold.
constexpr std::size_t kMaxGuestObject = 64u << 20;

int do_create(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_file_info* fi,
              fuse_entry_param* e) {
  FsContext& ctx = context_of(req);
  Node dir;
  if (!node_of(parent, &dir)) return ENOENT;
  if (dir.kind != NodeKind::schedulers_dir) return EPERM;  // no files elsewhere
  if (cred_of(req).uid != 0) return EPERM;
  std::unique_lock lock(ctx.mu);
  if (!ctx.tree.backend().hosts_guests()) {
    log()->warn("schedulers/{}: not loaded: {}", name, ctx.tree.backend().guest_support());
    return EOPNOTSUPP;
  }
  if (check_group_name(name) == EINVAL) return EINVAL;
  Node existing;
  if (resolve(ctx, dir, name, &existing) == 0 || ctx.uploads.count(name)) return EEXIST;
  auto up = std::make_shared<GuestUpload>();
  up->name = name;
  up->id = kUploadBit | (ctx.next_upload++ & ~kUploadBit);
  ctx.uploads[name] = up;
  const Node node{NodeKind::guest_file, up->id, 0};
  if (int err = fill_entry(ctx, node, e)) {
    ctx.uploads.erase(name);
    return err;
  }
  auto handle = std::make_shared<FileHandle>();
  handle->node = node;
  handle->upload = std::move(up);
  fi->fh = ctx.handles.add(std::move(handle));
  fi->direct_io = 1;
  return 0;
}

// Loads what was written, once; the result is every later flush's too.
int finish_upload(FsContext& ctx, GuestUpload& up) {
  std::lock_guard up_lock(up.mu);
  if (up.done) return up.result;
  up.done = true;
  std::string why;
  // The backend guards its guests itself: the tree stays usable while the
  // verifier runs.
  up.result = ctx.tree.backend().load_guest(up.name, std::move(up.data), &why);
  up.data.clear();
  if (up.result)
    log()->warn("schedulers/{}: not loaded: {}", up.name, why);
  std::unique_lock lock(ctx.mu);
  ctx.uploads.erase(up.name);
  return up.result;
}

int do_unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  FsContext& ctx = context_of(req);
  Node dir;
  if (!node_of(parent, &dir)) return ENOENT;
  if (dir.kind != NodeKind::schedulers_dir) return EPERM;
  if (cred_of(req).uid != 0) return EPERM;
  if (policy_from_name(name)) return EPERM;  // a built-in policy
  std::unique_lock lock(ctx.mu);
  return ctx.tree.backend().unload_guest(name);
}

}  // namespace

void op_create(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t, fuse_file_info* fi) {
  fuse_entry_param e;
  if (int err = do_create(req, parent, name, fi, &e))
    fuse_reply_err(req, err);
  else
    fuse_reply_create(req, &e, fi);
}

void op_flush(fuse_req_t req, fuse_ino_t, fuse_file_info* fi) {
  FsContext& ctx = context_of(req);
  auto handle = ctx.handles.get(fi->fh);
  if (!handle || !handle->upload) {
    fuse_reply_err(req, 0);
    return;
  }
  fuse_reply_err(req, finish_upload(ctx, *handle->upload));
}

void op_unlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  fuse_reply_err(req, do_unlink(req, parent, name));
}

// Appends to a guest file being written; writes come in order (cp, cat).
int write_upload(GuestUpload& up, const char* buf, size_t size, off_t off) {
  std::lock_guard lock(up.mu);
  if (up.done) return EBADF;
  if (off < 0 || static_cast<std::size_t>(off) != up.data.size()) return EINVAL;
  if (up.data.size() + size > kMaxGuestObject) return EFBIG;
  up.data.append(buf, size);
  return 0;
}

void drop_upload(FsContext& ctx, GuestUpload& up) {
  std::lock_guard up_lock(up.mu);
  if (up.done) return;
  up.done = true;
  up.result = EIO;
  std::unique_lock lock(ctx.mu);
  ctx.uploads.erase(up.name);
}

}  // namespace fsched
