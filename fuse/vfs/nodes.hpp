// What a node is right now: its attributes, its children, and looking a
// name up in a directory. Call with the tree lock held (shared is enough).
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fs_context.hpp"
#include "inode.hpp"

namespace fsched {

// 0, or ENOENT when the node is gone.
int node_stat(const FsContext& ctx, Node node, struct stat* st);
// 0, or the errno a lookup answers (ENOENT, ENOTDIR).
int resolve(const FsContext& ctx, Node parent, std::string_view name, Node* out);
// Where a pid directory's proc link points.
std::string proc_link_target(pid_t pid);
// The generation a lookup reports: the start time for a process's nodes.
std::uint64_t node_generation(const FsContext& ctx, Node node);

// The loaded guest with this inode id.
std::optional<GuestInfo> find_guest(const Backend& backend, std::uint32_t id);

// Entries of a directory node, "." and ".." first; false when it is gone.
bool list_dir(const FsContext& ctx, Node dir, std::vector<DirEntry>* out);

}  // namespace fsched
