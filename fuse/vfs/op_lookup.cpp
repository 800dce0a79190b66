#include <cerrno>
#include <mutex>
#include <shared_mutex>

#include "names.hpp"
#include "nodes.hpp"
#include "ops.hpp"
#include "proc_probe.hpp"

namespace fsched {

namespace {
// A process forked a moment ago may not have been reported by the watcher
// yet; `sleep 100 & mv 0/$! 0/g/` must not depend on that race. Placed
// where the kernel has it; true when the tree learnt something.
bool learn_process(FsContext& ctx, std::string_view name) {
  pid_t pid = 0;
  if (!pid_from_name(name, &pid)) return false;
  auto info = probe_process(pid);
  if (!info || info->kernel_thread) return false;
  std::unique_lock lock(ctx.mu);
  if (ctx.tree.process(pid)) return true;
  ctx.tree.process_found(*info);
  return true;
}

int do_lookup(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_entry_param* e) {
  FsContext& ctx = context_of(req);
  Node dir;
  if (!node_of(parent, &dir)) return ENOENT;
  {
    std::shared_lock lock(ctx.mu);
    Node child;
    int err = resolve(ctx, dir, name, &child);
    if (!err) return fill_entry(ctx, child, e);
    if (err != ENOENT || dir.kind != NodeKind::group_dir) return err;
    pid_t pid = 0;
    if (!pid_from_name(name, &pid) || ctx.tree.process(pid)) return err;
  }
  if (!learn_process(ctx, name)) return ENOENT;
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
