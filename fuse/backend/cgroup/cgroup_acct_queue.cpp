#include "cgroup_acct_queue.hpp"

#include <cerrno>
#include <cstring>

#include "cgroup_fs.hpp"
#include "log.hpp"

namespace fsched {

AcctQueue::~AcctQueue() {
  drain();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AcctQueue::start() {
  std::lock_guard lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void AcctQueue::push(std::string dir, pid_t pid, std::string fallback) {
  Move m{std::move(dir), pid, std::move(fallback)};
  {
    std::lock_guard lock(mu_);
    if (thread_.joinable()) {
      queue_.push_back(std::move(m));
      cv_.notify_one();
      return;
    }
  }
  apply(m);
}

void AcctQueue::apply(const Move& m) {
  int e = cgfs::write_file(m.dir + "/cgroup.procs", std::to_string(m.pid));
  if (e == ENOENT && !m.fallback.empty())
    e = cgfs::write_file(m.fallback + "/cgroup.procs", std::to_string(m.pid));
  // ESRCH: the process exited; anything else only misplaces its accounting.
  if (e && e != ESRCH)
    log()->debug("cpuacct: cannot move {} into {}: {}", m.pid, m.dir, std::strerror(e));
}

void AcctQueue::drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void AcctQueue::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    Move m = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    apply(m);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace fsched
