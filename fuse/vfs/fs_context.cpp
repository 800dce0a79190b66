#include "fs_context.hpp"

#include "inode.hpp"

namespace fsched {

void FsContext::flush_changes() {
  for (auto& change : tree.drain_changes())
    invalidator.push(encode(Node{NodeKind::group_dir, change.parent, 0}), std::move(change.name));
}

void FsContext::flush_changes_except(GroupId parent, std::string_view name) {
  for (auto& change : tree.drain_changes())
    if (change.parent != parent || change.name != name)
      invalidator.push(encode(Node{NodeKind::group_dir, change.parent, 0}),
                       std::move(change.name));
}

void FsContext::drop_changes_now(std::vector<EntryChange> changes) {
  for (const auto& change : changes)
    invalidator.drop_now(encode(Node{NodeKind::group_dir, change.parent, 0}), change.name);
}

}  // namespace fsched
