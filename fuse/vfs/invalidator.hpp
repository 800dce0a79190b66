// Tells the kernel to drop directory entries that changed behind its back
// (a process exited, forked, or was moved through `tasks`). The notify
// calls run on this thread: from inside most request handlers they could
// deadlock on the directory lock the kernel holds for that request. A
// write(2) holds none, so the `tasks` handler drops its own entries itself
// (drop_now) before it replies.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct fuse_session;

namespace fsched {

class Invalidator {
 public:
  Invalidator() = default;
  ~Invalidator() { stop(); }
  Invalidator(const Invalidator&) = delete;
  Invalidator& operator=(const Invalidator&) = delete;

  void start(fuse_session* se);
  void stop();
  void push(std::uint64_t parent_ino, std::string name);
  // Drops one entry now, in the caller's thread. Never from a handler
  // whose request holds a directory lock (rename, lookup, mkdir...), nor
  // with the tree's lock held: the drop takes the directory's lock.
  void drop_now(std::uint64_t parent_ino, const std::string& name);

 private:
  void run();

  fuse_session* se_ = nullptr;
  std::mutex mu_;  // guards queue_ and stopping_
  std::condition_variable cv_;
  std::deque<std::pair<std::uint64_t, std::string>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fsched
