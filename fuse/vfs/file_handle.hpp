// What an open file or directory of the tree carries: for a file its node
// and, for readers, the text rendered at open time (as /proc does, a reader
// sees one snapshot); for a directory the listing taken at opendir.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <vector>

#include "inode.hpp"

namespace fsched {

// A guest object written into schedulers/ (cp OBJ schedulers/NAME): its
// bytes collect here and are loaded when the file is closed (flush).
struct GuestUpload {
  std::string name;
  std::uint32_t id = 0;  // kUploadBit | n
  std::mutex mu;         // guards data, done and result
  std::string data;
  bool done = false;
  int result = 0;
};

struct FileHandle {
  Node node;
  std::shared_ptr<GuestUpload> upload;  // set for a file created in schedulers/
  std::string content;
  // Opened O_APPEND: the kernel places each write at its cached size, so
  // the offset says nothing; every write is still one command.
  bool append = false;
};

struct DirHandle {
  std::vector<DirEntry> entries;
};

// Owns every open file's handle. The kernel does not release files still
// open when the filesystem is unmounted; the table frees them with the
// session. Handlers hold a reference while they reply: the kernel may take
// a reply, finish the caller's read, and send RELEASE to another worker
// before the replying thread has returned.
template <typename Handle>
class HandleTable {
 public:
  std::uint64_t add(std::shared_ptr<Handle> handle) {
    auto key = reinterpret_cast<std::uint64_t>(handle.get());
    std::lock_guard lock(mu_);
    open_.emplace(key, std::move(handle));
    return key;
  }
  std::shared_ptr<const Handle> get(std::uint64_t fh) const {
    std::lock_guard lock(mu_);
    auto it = open_.find(fh);
    return it == open_.end() ? nullptr : it->second;
  }
  void release(std::uint64_t fh) {
    std::lock_guard lock(mu_);
    open_.erase(fh);
  }

 private:
  mutable std::mutex mu_;  // guards open_; a handle never changes after open
  std::unordered_map<std::uint64_t, std::shared_ptr<Handle>> open_;
};

}  // namespace fsched
