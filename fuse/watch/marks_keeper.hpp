// Keeps the placement marks' file (placement_marks.hpp) current while the
// daemon runs, so that a daemon killed hard (SIGKILL, the OOM killer, a
// crash) leaves its successor marks at most one period old, not none.
//
// Costs: one wakeup a period (5 s). The tree's placements version says
// whether any process came, went, moved or was marked; only then are the
// marks formatted (under the shared lock, one pass over the processes),
// and only a text that differs from the last one replaces the file (with
// no lock held). An idle daemon formats and writes nothing, a busy one
// writes only when a mark changed, and a move never waits on the disk.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "tree.hpp"

namespace fsched {

class MarksKeeper {
 public:
  static constexpr std::chrono::seconds kPeriod{5};

  // `mu` guards `tree`; `path` is the marks' file.
  MarksKeeper(const Tree& tree, std::shared_mutex& mu, std::string path,
              std::chrono::milliseconds period = kPeriod);
  ~MarksKeeper() { stop(); }
  MarksKeeper(const MarksKeeper&) = delete;
  MarksKeeper& operator=(const MarksKeeper&) = delete;

  // Writes the marks at once, then every period while they change.
  void start();
  // Ends the thread. A stopping daemon then calls keep() once more.
  void stop();
  // One look, as each period makes: true when the file was written.
  bool keep();

 private:
  void loop();

  const Tree& tree_;
  std::shared_mutex& mu_;
  const std::string path_;
  const std::chrono::milliseconds period_;
  static constexpr std::uint64_t kNone = ~std::uint64_t{0};
  // The version and text last written (kNone before the first write).
  // Only keep() touches them, on the keeper's thread.
  std::uint64_t written_ = kNone;
  std::string written_text_;
  bool failing_ = false;  // a failure was logged: the next one is not
  std::mutex wait_mu_;    // guards stopping_, for cv_
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fsched
