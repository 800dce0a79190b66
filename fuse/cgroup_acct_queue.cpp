#include "cgroup_acct_queue.hpp"

#include <cerrno>

#include "cgroup_fs.hpp"

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

void AcctQueue::push(std::string dir, pid_t pid, std::string fallback) {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    queue_.push_back(Move{std::move(dir), pid, std::move(fallback)});
  }
  cv_.notify_one();
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
    int e = cgfs::write_file(m.dir + "/cgroup.procs", std::to_string(m.pid));
    if (e == ENOENT && !m.fallback.empty())
      cgfs::write_file(m.fallback + "/cgroup.procs", std::to_string(m.pid));
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace fsched
