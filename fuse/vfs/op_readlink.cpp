#include <cerrno>
#include <shared_mutex>
#include <string>

#include "nodes.hpp"
#include "ops.hpp"

namespace fsched {

namespace {
// The one link in the tree: <pid>/proc, to /proc/<pid>.
int do_readlink(fuse_req_t req, fuse_ino_t ino, std::string* out) {
  FsContext& ctx = context_of(req);
  Node node;
  if (!node_of(ino, &node)) return ENOENT;
  if (!node.is_link()) return EINVAL;  // readlink(2)'s answer for what is not a link
  std::shared_lock lock(ctx.mu);
  if (!ctx.tree.process(static_cast<pid_t>(node.id))) return ENOENT;
  *out = proc_link_target(static_cast<pid_t>(node.id));
  return 0;
}
}  // namespace

void op_readlink(fuse_req_t req, fuse_ino_t ino) {
  std::string target;
  if (int err = do_readlink(req, ino, &target))
    fuse_reply_err(req, err);
  else
    fuse_reply_readlink(req, target.c_str());
}

}  // namespace fsched
