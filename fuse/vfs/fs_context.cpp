#include "fs_context.hpp"

#include "inode.hpp"

namespace fsched {

void FsContext::flush_changes() {
  for (auto& change : tree.drain_changes())
    invalidator.push(encode(Node{NodeKind::group_dir, change.parent, 0}), std::move(change.name));
}

}  // namespace fsched
