// Moves into the v1 cpuacct mirror, done off the critical path of a move:
// they only decide where CPU time is counted, never how it is shared. One
// thread applies them in order; drain() waits until all are done (before a
// mirror directory is removed, and at shutdown).
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace fsched {

class AcctQueue {
 public:
  AcctQueue() = default;
  ~AcctQueue();
  AcctQueue(const AcctQueue&) = delete;
  AcctQueue& operator=(const AcctQueue&) = delete;

  // Starts the thread. Before, push() applies a move at once (discovery
  // runs before the daemon detaches, and no thread may start before that).
  void start();
  // Writes `pid` into `dir`/cgroup.procs, or into `fallback` if `dir` is gone.
  void push(std::string dir, pid_t pid, std::string fallback = "");
  void drain();

 private:
  struct Move {
    std::string dir;
    pid_t pid;
    std::string fallback;
  };
  void run();
  static void apply(const Move& m);

  std::mutex mu_;  // guards queue_, busy_, stopping_
  std::condition_variable cv_;
  std::condition_variable idle_;
  std::deque<Move> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fsched
