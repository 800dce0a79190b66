// The sampler's measuring: the tiers of stats_book.hpp, and the
// entitlements computed from the process tier (entitlement.hpp).
#include <mutex>
#include <shared_mutex>

#include "entitlement.hpp"
#include "watcher.hpp"
#include "weight.hpp"

namespace fsched {

void Watcher::sample_processes(double el, bool publish, WindowFigures* out) {
  // What entitlement needs of the tree, copied under the lock; /proc is
  // read after it is released.
  EntitlementInput in;
  struct Known {
    pid_t pid;
    std::uint64_t start_time;
    EntitlementInput::ProcRow row;
  };
  std::vector<Known> procs;
  {
    std::shared_lock lock(mu_);
    procs.reserve(tree_.processes().size());
    for (const auto& [pid, p] : tree_.processes())
      procs.push_back({pid, p.info.start_time,
                       {pid, p.group, p.info.uid, static_cast<double>(nice_to_load(p.info.nice))}});
    for (GroupId id : tree_.group_ids()) {
      const Group* g = tree_.group(id);
      in.groups.push_back({id, g->parent, group_load(g->settings),
                           g->settings.policy == Policy::user_fair});
    }
    for (const auto& [uid, nice] : tree_.usernice()) in.user_weight[uid] = nice_to_load(nice);
  }
  std::unordered_map<pid_t, Sample> next;
  next.reserve(procs.size());
  for (auto& k : procs) {
    auto st = proc_.stat(k.pid);
    if (!st || st->gone() || st->start_time != k.start_time) continue;  // the events thread's
    Sample s{k.start_time, ticks_to_usec(st->utime_ticks + st->stime_ticks), std::nullopt, false};
    auto prev = last_proc_.find(k.pid);
    const bool same = prev != last_proc_.end() && prev->second.start_time == s.start_time;
    s.ran = same && s.cpu_usec > prev->second.cpu_usec;
    // A process first seen gets a baseline; then only one that ran in
    // this window or the last is read again (an idle one wanted nothing).
    if (s.ran || !same || prev->second.ran) s.wait_usec = proc_.wait_usec(k.pid, st->num_threads);
    if (publish && el > 0 && same && s.cpu_usec >= prev->second.cpu_usec) {
      double used = static_cast<double>(s.cpu_usec - prev->second.cpu_usec);
      out->proc_pct[k.pid] = 100.0 * used / el;
      double waited = 0;
      if (s.wait_usec && prev->second.wait_usec && *s.wait_usec > *prev->second.wait_usec)
        waited = static_cast<double>(*s.wait_usec - *prev->second.wait_usec);
      if (used > 0 || waited > 0) {
        k.row.used_usec = used;
        k.row.demand_usec = used + waited;
        in.procs.push_back(k.row);
      }
    }
    next.emplace(k.pid, std::move(s));
  }
  last_proc_.swap(next);
  if (!publish || el <= 0) return;
  auto e = entitle(in);
  for (const auto& [pid, usec] : e.proc_usec) out->proc_entitled[pid] = 100.0 * usec / el;
  for (const auto& [id, usec] : e.group_usec) out->group_entitled[id] = 100.0 * usec / el;
}

std::chrono::steady_clock::time_point Watcher::sample(unsigned tiers,
                                                      std::chrono::steady_clock::time_point now) {
  using Clock = std::chrono::steady_clock;
  // A tier whose lease ran out starts afresh when read again.
  if (!(tiers & kGroupTier)) last_group_.clear();
  if (!(tiers & kProcessTier)) last_proc_.clear();
  started_ &= tiers;
  // Within a millisecond of due counts as due: the wait wakes a little
  // early or late.
  const auto slack = std::chrono::milliseconds(2);
  auto due = [&](StatsTier t, int slot) {
    return (tiers & t) && (!(started_ & t) || now - last_time_[slot] + slack >= window_);
  };
  auto elapsed_usec = [&](int slot) {
    return static_cast<double>(
        std::chrono::duration_cast<std::chrono::microseconds>(now - last_time_[slot]).count());
  };
  unsigned published = 0;
  WindowFigures figures;

  if (due(kGroupTier, 0)) {
    std::unordered_map<GroupId, std::uint64_t> next;
    {
      std::shared_lock lock(mu_);
      for (GroupId id : tree_.group_ids())
        next.emplace(id, tree_.backend().group_usage(tree_.path_of(id)).usage_usec);
    }
    if (started_ & kGroupTier) {
      double el = elapsed_usec(0);
      for (const auto& [id, usage] : next) {
        auto prev = last_group_.find(id);
        if (el > 0 && prev != last_group_.end() && usage >= prev->second)
          figures.group_pct[id] = 100.0 * static_cast<double>(usage - prev->second) / el;
      }
      published |= kGroupTier;
    }
    last_group_.swap(next);
    last_time_[0] = now;
    started_ |= kGroupTier;
  }

  if (due(kProcessTier, 1)) {
    const bool publish = started_ & kProcessTier;
    sample_processes(elapsed_usec(1), publish, &figures);
    if (publish) published |= kProcessTier;
    last_time_[1] = now;
    started_ |= kProcessTier;
  }
  if (published) stats_.publish(published, std::move(figures));

  auto next_due = Clock::time_point::max();
  if (started_ & kGroupTier) next_due = std::min(next_due, last_time_[0] + window_);
  if (started_ & kProcessTier) next_due = std::min(next_due, last_time_[1] + window_);
  return next_due;
}

}  // namespace fsched
