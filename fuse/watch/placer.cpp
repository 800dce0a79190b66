#include "placer.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "log.hpp"

namespace fsched {

namespace {
// Processes moved per hold of the exclusive lock: each move is a few
// cgroupfs writes (~0.1 ms), so a FUSE request waits a few ms at most.
constexpr std::size_t kBatch = 32;
}  // namespace

Placer::Placer(Tree& tree, std::shared_mutex& mu, std::function<void()> flush, ProcSource& proc)
    : tree_(tree), mu_(mu), flush_(std::move(flush)), proc_(proc) {}

std::shared_ptr<const RuleSet> Placer::rules() const {
  std::lock_guard lock(rules_mu_);
  return rules_;
}

Placer::Summary Placer::set_rules(std::shared_ptr<const RuleSet> rules) {
  {
    std::lock_guard lock(rules_mu_);
    rules_ = rules;
  }
  {
    std::lock_guard lock(warned_mu_);
    warned_.clear();
  }
  if (!rules || rules->empty()) return {};
  // The rules' groups exist from now on, whether or not a process matches
  // yet: an admin can set their scheduler and weight at once.
  std::vector<pid_t> pids;
  {
    std::unique_lock lock(mu_);
    for (const auto& path : rules->groups()) {
      GroupId id = kHostGroup;
      if (int e = tree_.ensure_group(path, &id))
        log()->warn("rules: cannot make group 0{}{}: {}", path.empty() ? "" : "/", join_path(path),
                    std::strerror(e));
    }
    flush_();
    pids.reserve(tree_.processes().size());
    for (const auto& [pid, p] : tree_.processes())
      if (p.placement == Placement::rule) pids.push_back(pid);
  }
  return place(*rules, pids);
}

void Placer::adopt_existing(const SavedMarks& saved) {
  std::unique_lock lock(mu_);
  std::vector<std::pair<pid_t, Placement>> marks;
  for (const auto& [pid, p] : tree_.processes()) {
    if (auto it = saved.find(pid); it != saved.end() && it->second.start_time == p.info.start_time)
      marks.emplace_back(pid, it->second.how);
    else if (p.group != kHostGroup && p.placement == Placement::rule)
      marks.emplace_back(pid, Placement::hand);
  }
  for (auto [pid, how] : marks) tree_.set_placement(pid, how);
}

Placer::Summary Placer::apply_to(const std::vector<pid_t>& pids) {
  auto rules = this->rules();
  if (!rules || rules->empty() || pids.empty()) return {};
  return place(*rules, pids);
}

Placer::Summary Placer::place(const RuleSet& rules, const std::vector<pid_t>& pids) {
  Summary sum;
  // Each round places the children the last one left behind: a process
  // tree forked faster than it is placed ends where the rules say, one
  // generation a round. A process moves once a call (stale parent
  // numbers cannot loop it).
  std::unordered_set<pid_t> done;
  for (std::vector<pid_t> todo = pids; !todo.empty();) {
    sum.looked += todo.size();
    std::vector<Target> targets = targets_of(rules, todo);
    std::vector<Moved> moved;
    for (std::size_t i = 0; i < targets.size(); i += kBatch) {
      std::vector<Target> batch(
          targets.begin() + static_cast<std::ptrdiff_t>(i),
          targets.begin() + static_cast<std::ptrdiff_t>(std::min(targets.size(), i + kBatch)));
      move_batch(batch, sum, moved);
    }
    for (const auto& m : moved) done.insert(m.pid);
    todo = left_behind(moved);
    std::erase_if(todo, [&](pid_t pid) { return done.count(pid) != 0; });
  }
  return sum;
}

std::vector<pid_t> Placer::left_behind(const std::vector<Moved>& moved) {
  std::vector<pid_t> out;
  if (moved.empty()) return out;
  std::unordered_map<pid_t, const Moved*> by_pid;
  for (const auto& m : moved) by_pid.emplace(m.pid, &m);
  std::shared_lock lock(mu_);
  for (const auto& [pid, p] : tree_.processes()) {
    if (p.placement != Placement::rule) continue;
    auto it = by_pid.find(p.info.ppid);
    if (it == by_pid.end() || pid == p.info.ppid) continue;
    // A child starts after its parent: an older process naming this ppid
    // is the child of an earlier holder of the number.
    if (p.group == it->second->from && p.info.start_time >= it->second->start_time)
      out.push_back(pid);
  }
  return out;
}

std::vector<Placer::Target> Placer::targets_of(const RuleSet& rules,
                                               const std::vector<pid_t>& pids) {
  const unsigned needs = rules.needs();
  std::vector<Target> out;
  for (pid_t pid : pids) {
    auto st = proc_.stat(pid);
    if (!st || st->gone() || st->kernel_thread()) continue;
    auto ids = proc_.ids(pid);
    if (!ids) continue;
    ProcessFacts facts;
    facts.uid = ids->uid;
    facts.gid = ids->gid;
    if (needs & kNeedGroups) facts.groups = ids->groups;
    if (needs & kNeedComm) facts.comm = st->comm;
    if (needs & kNeedExe) {
      auto exe = proc_.exe(pid);
      if (!exe) continue;
      facts.exe = std::move(*exe);
    }
    if (const PlacementRule* rule = rules.match(facts)) out.push_back({pid, st->start_time, rule});
  }
  return out;
}

void Placer::move_batch(const std::vector<Target>& batch, Summary& sum, std::vector<Moved>& moved) {
  std::vector<std::pair<GroupPath, int>> failures;
  {
    std::unique_lock lock(mu_);
    for (const auto& t : batch) {
      // What was read without the lock may be stale: only the process we
      // read, still the rules' to place, and not already there.
      const Process* p = tree_.process(t.pid);
      if (p && (p->info.start_time != t.start_time || p->placement != Placement::rule)) continue;
      GroupId to = kHostGroup;
      int e = tree_.ensure_group(t.rule->group, &to);
      if (!e && p && p->group == to) continue;
      const GroupId from = p ? p->group : kHostGroup;
      if (!e) e = tree_.place_process(t.pid, t.start_time, to);
      if (e == ESRCH) continue;  // gone (or its pid reused) meanwhile: nothing to place
      if (e) {
        ++sum.failed;
        failures.emplace_back(t.rule->group, e);
        continue;
      }
      const Process* now = tree_.process(t.pid);
      if (now && now->group == to) {
        ++sum.moved;
        moved.push_back({t.pid, now->info.start_time, from});
      }
    }
    flush_();
  }
  if (failures.empty()) return;
  std::lock_guard lock(warned_mu_);
  for (const auto& f : failures) {
    if (std::find(warned_.begin(), warned_.end(), f) != warned_.end()) continue;
    warned_.push_back(f);
    log()->warn("rules: cannot place processes in 0{}{}: {} (said once until the next reload)",
                f.first.empty() ? "" : "/", join_path(f.first), std::strerror(f.second));
  }
}

}  // namespace fsched
