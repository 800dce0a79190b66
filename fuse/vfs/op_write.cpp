// A write to a control file is one command, as in cgroupfs: the bytes of
// one write(2) are parsed whole and either take effect or fail.
#include <cerrno>
#include <mutex>
#include <string_view>
#include <vector>

#include "file_handle.hpp"
#include "log.hpp"
#include "ops.hpp"
#include "parse.hpp"
#include "proc_stat.hpp"

namespace fsched {

namespace {
// A process that writes its own pid chose its group for what it will run
// (`echo $$ > tasks`, `fsched run`); FUSE names the writing thread, whose
// process is its Tgid.
Placement placement_by(const Cred& cred, pid_t moved) {
  if (cred.pid == moved) return Placement::sticky;
  auto ids = read_proc_ids(cred.pid);
  return ids && ids->tgid == moved ? Placement::sticky : Placement::hand;
}

// Every control write: parse the value, then change the tree under its
// write lock; a value that does not parse changes nothing.
template <typename Parsed, typename Apply>
int parse_then_apply(FsContext& ctx, Result<Parsed> parsed, Apply apply) {
  if (!parsed) return parsed.error().code;
  std::unique_lock lock(ctx.mu);
  return apply(*parsed);
}

int do_write(fuse_req_t req, const char* buf, size_t size, off_t off, fuse_file_info* fi) {
  FsContext& ctx = context_of(req);
  auto handle = ctx.handles.get(fi->fh);
  if (!handle) return EBADF;
  if (handle->upload) return write_upload(*handle->upload, buf, size, off);
  // A value continued at an offset would be half of a command.
  if (off != 0 && !handle->append) return EINVAL;
  std::string_view text(buf, size);
  const Cred cred = cred_of(req);
  if (handle->node.kind == NodeKind::usernice_file)
    return parse_then_apply(ctx, parse_usernice(text), [&](const auto& entry) {
      return ctx.tree.set_usernice(entry.uid, entry.nice, cred);
    });
  if (handle->node.kind != NodeKind::group_file) return EBADF;
  const GroupId id = handle->node.id;
  int err = 0;
  switch (static_cast<GroupFile>(handle->node.sub)) {
    case GroupFile::cpu_weight:
      err = parse_then_apply(ctx, parse_weight(text),
                             [&](int w) { return ctx.tree.set_weight(id, w, cred); });
      break;
    case GroupFile::cpu_max:
      err = parse_then_apply(ctx, parse_cpu_max(text),
                             [&](const auto& max) { return ctx.tree.set_cpu_max(id, max, cred); });
      break;
    case GroupFile::cpus:
      err = parse_then_apply(ctx, parse_cpus(text),
                             [&](const auto& cpus) { return ctx.tree.set_cpus(id, cpus, cred); });
      break;
    case GroupFile::scheduler:
      err = parse_then_apply(ctx, parse_policy_name(text),
                             [&](const auto& name) { return ctx.tree.set_policy(id, name, cred); });
      break;
    case GroupFile::tasks: {
      auto pid = parse_pid(text);
      if (!pid) return pid.error().code;
      std::vector<EntryChange> changes;
      const Placement how = placement_by(cred, *pid);
      {
        std::unique_lock lock(ctx.mu);
        err = ctx.tree.move_process(*pid, id, cred, how);
        changes = ctx.tree.drain_changes();
      }
      // The kernel drops the old <pid>/ entry before the write returns: a
      // script's next lookup of the new one must not meet the old dentry
      // (the kernel answers ESTALE when it cannot move that alias while
      // the drop holds the old directory's lock). Done here rather than
      // by the invalidator's thread: two thread hand-offs less.
      ctx.drop_changes_now(std::move(changes));
      break;
    }
    default:
      return EBADF;
  }
  return err;
}
}  // namespace

void op_write(fuse_req_t req, fuse_ino_t, const char* buf, size_t size, off_t off,
              fuse_file_info* fi) {
  if (int err = do_write(req, buf, size, off, fi))
    fuse_reply_err(req, err);
  else
    fuse_reply_write(req, size);
}

}  // namespace fsched
