#include "stats_book.hpp"

namespace fsched {

namespace {
int slot(StatsTier tier) { return tier == kGroupTier ? 0 : 1; }
}  // namespace

void StatsBook::await(unsigned tiers, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto now = Clock::now();
  for (StatsTier t : {kGroupTier, kProcessTier})
    if (tiers & t) read_at_[slot(t)] = now;
  leased_ |= tiers;
  if ((published_ & tiers) == tiers) return;
  ++waits_;
  cv_.notify_all();
  cv_.wait_until(lock, now + timeout, [&] { return (published_ & tiers) == tiers; });
}

namespace {
template <typename K>
double find_or_zero(const std::unordered_map<K, double>& m, K key) {
  auto it = m.find(key);
  return it == m.end() ? 0.0 : it->second;
}
}  // namespace

double StatsBook::process_pct(pid_t pid) const {
  std::lock_guard lock(mu_);
  return find_or_zero(figures_.proc_pct, pid);
}

double StatsBook::group_pct(GroupId id) const {
  std::lock_guard lock(mu_);
  return find_or_zero(figures_.group_pct, id);
}

double StatsBook::process_entitled(pid_t pid) const {
  std::lock_guard lock(mu_);
  return find_or_zero(figures_.proc_entitled, pid);
}

double StatsBook::group_entitled(GroupId id) const {
  std::lock_guard lock(mu_);
  return find_or_zero(figures_.group_entitled, id);
}

void StatsBook::set_lease(std::chrono::milliseconds lease) {
  std::lock_guard lock(mu_);
  lease_ = lease;
}

unsigned StatsBook::leased(Clock::time_point now) {
  std::lock_guard lock(mu_);
  for (StatsTier t : {kGroupTier, kProcessTier}) {
    if (!(leased_ & t) || now - read_at_[slot(t)] < lease_) continue;
    leased_ &= ~t;
    published_ &= ~t;
    if (t == kGroupTier) {
      figures_.group_pct.clear();
    } else {
      figures_.proc_pct.clear();
      figures_.proc_entitled.clear();
      figures_.group_entitled.clear();
    }
  }
  return leased_;
}

void StatsBook::publish(unsigned tiers, WindowFigures figures) {
  {
    std::lock_guard lock(mu_);
    if (tiers & kProcessTier) {
      figures_.proc_pct.swap(figures.proc_pct);
      figures_.proc_entitled.swap(figures.proc_entitled);
      figures_.group_entitled.swap(figures.group_entitled);
    }
    if (tiers & kGroupTier) figures_.group_pct.swap(figures.group_pct);
    published_ |= tiers & leased_;
  }
  cv_.notify_all();
}

void StatsBook::wait(Clock::time_point deadline, unsigned started) {
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, deadline, [&] { return woken_ || (leased_ & ~started) != 0; });
  woken_ = false;
}

void StatsBook::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

unsigned long StatsBook::waits() const {
  std::lock_guard lock(mu_);
  return waits_;
}

}  // namespace fsched
