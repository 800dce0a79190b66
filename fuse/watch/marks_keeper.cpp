#include "marks_keeper.hpp"

#include "log.hpp"
#include "placement_marks.hpp"

namespace fsched {

MarksKeeper::MarksKeeper(const Tree& tree, std::shared_mutex& mu, std::string path,
                         std::chrono::milliseconds period)
    : tree_(tree), mu_(mu), path_(std::move(path)), period_(period) {}

void MarksKeeper::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(wait_mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void MarksKeeper::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(wait_mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool MarksKeeper::keep() {
  std::uint64_t version;
  std::string text;
  {
    std::shared_lock lock(mu_);
    version = tree_.placements_version();
    if (version == written_) return false;
    text = format_marks(tree_, this_boot());
  }
  // Most changes (a fork or an exit in 0) leave the marks as they were.
  if (written_ != kNone && text == written_text_) {
    written_ = version;
    return false;
  }
  if (auto s = write_marks(path_, text); !s) {
    if (!failing_) log()->warn("placements not saved for a restart: {}", s.error().message);
    failing_ = true;
    return false;
  }
  failing_ = false;
  written_ = version;
  written_text_ = std::move(text);
  return true;
}

void MarksKeeper::loop() {
  std::unique_lock lock(wait_mu_);
  while (!stopping_) {
    lock.unlock();
    keep();
    lock.lock();
    cv_.wait_for(lock, period_, [this] { return stopping_; });
  }
}

}  // namespace fsched
