// Everything the FUSE handlers share, reached through fuse_req_userdata().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
#include <shared_mutex>

#include "file_handle.hpp"
#include "invalidator.hpp"
#include "stats_book.hpp"
#include "tree.hpp"

struct fuse_session;

namespace fsched {

struct FsContext {
  explicit FsContext(Tree& t) : tree(t) {}

  Tree& tree;
  // Guards `tree` and, through it, the backend: handlers that only look
  // take it shared, every change takes it exclusive.
  std::shared_mutex mu;
  StatsBook stats;
  Invalidator invalidator;
  HandleTable<FileHandle> handles;
  HandleTable<DirHandle> dirs;
  // Guest files being written, by name (mu).
  std::map<std::string, std::shared_ptr<GuestUpload>> uploads;
  std::uint32_t next_upload = 1;  // mu
  fuse_session* se = nullptr;
  double entry_timeout = 10.0;  // the watcher invalidates what changes
  double attr_timeout = 1.0;
  // How long a stats reader waits for a first window: two windows, then it
  // reads zeros rather than hang.
  std::chrono::milliseconds stats_timeout{2000};
  std::int64_t boot_time = 0;  // seconds since the epoch, for pid dir times

  // Hands the tree's pending entry changes to the invalidator. Call with
  // `mu` held exclusive.
  void flush_changes();
  // The same, but for the entry a rename just moved: the kernel moved its
  // dentry itself, and dropping it again would cost a lookup.
  void flush_changes_except(GroupId parent, std::string_view name);
  // Drops the tree's pending changes now (Invalidator::drop_now). Call with
  // `mu` released, from a handler holding no directory lock.
  void drop_changes_now(std::vector<EntryChange> changes);
};

}  // namespace fsched
