// Tells the kernel to drop directory entries that changed behind its back
// (a process exited, forked, or was moved through `tasks`). The notify
// calls run on this thread only: from inside a request handler they could
// deadlock on the directory lock the kernel holds for that request.
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
  // Returns once the kernel has dropped everything pushed so far (or after
  // `timeout`). Never from a handler whose request holds a directory lock
  // (rename, lookup, mkdir...): the drop needs that lock.
  void wait_done(std::chrono::milliseconds timeout);

 private:
  void run();

  fuse_session* se_ = nullptr;
  std::mutex mu_;  // guards queue_ and stopping_
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  std::deque<std::pair<std::uint64_t, std::string>> queue_;
  std::uint64_t pushed_ = 0;  // entries pushed, ever
  std::uint64_t done_ = 0;    // entries the kernel was told of, ever
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fsched
