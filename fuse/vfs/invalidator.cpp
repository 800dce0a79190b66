#include "invalidator.hpp"

#include <fuse_lowlevel.h>

namespace fsched {

void Invalidator::start(fuse_session* se) {
  se_ = se;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Invalidator::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Invalidator::push(std::uint64_t parent_ino, std::string name) {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable() || stopping_) return;
    queue_.emplace_back(parent_ino, std::move(name));
  }
  cv_.notify_one();
}

void Invalidator::drop_now(std::uint64_t parent_ino, const std::string& name) {
  if (se_) fuse_lowlevel_notify_inval_entry(se_, parent_ino, name.c_str(), name.size());
}

void Invalidator::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    auto batch = std::move(queue_);
    queue_.clear();
    lock.unlock();
    for (const auto& [parent, name] : batch)
      fuse_lowlevel_notify_inval_entry(se_, parent, name.c_str(), name.size());
    lock.lock();
  }
}

}  // namespace fsched
