#include "stats_book.hpp"

namespace fsched {

namespace {
int slot(StatsTier tier) { return tier == kGroupTier ? 0 : 1; }
}  // namespace

void StatsBook::await(StatsTier tier, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  auto now = Clock::now();
  read_at_[slot(tier)] = now;
  leased_ |= tier;
  if (published_ & tier) return;
  ++waits_;
  cv_.notify_all();
  cv_.wait_until(lock, now + timeout, [&] { return (published_ & tier) != 0; });
}

double StatsBook::process_pct(pid_t pid) const {
  std::lock_guard lock(mu_);
  auto it = proc_pct_.find(pid);
  return it == proc_pct_.end() ? 0.0 : it->second;
}

double StatsBook::group_pct(GroupId id) const {
  std::lock_guard lock(mu_);
  auto it = group_pct_.find(id);
  return it == group_pct_.end() ? 0.0 : it->second;
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
    if (t == kGroupTier)
      group_pct_.clear();
    else
      proc_pct_.clear();
  }
  return leased_;
}

void StatsBook::publish(unsigned tiers, std::unordered_map<pid_t, double> proc_pct,
                        std::unordered_map<GroupId, double> group_pct) {
  {
    std::lock_guard lock(mu_);
    if (tiers & kProcessTier) proc_pct_.swap(proc_pct);
    if (tiers & kGroupTier) group_pct_.swap(group_pct);
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
