#include "watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <unordered_set>

#include "log.hpp"
#include "proc_probe.hpp"

namespace fsched {

Watcher::Watcher(Tree& tree, std::shared_mutex& mu, StatsBook& stats, std::function<void()> flush,
                 std::chrono::milliseconds window, ProcSource& proc, int net_windows)
    : tree_(tree),
      mu_(mu),
      stats_(stats),
      flush_(std::move(flush)),
      proc_(proc),
      window_(window),
      net_windows_(net_windows) {
  // Ten windows: `fsched top` and `watch cat stats` keep their tier
  // measured; a script that reads once pays one window, once.
  stats_.set_lease(10 * window_);
}

void Watcher::start() {
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  auto conn = ProcConnector::open();
  if (conn)
    connector_.emplace(std::move(*conn));
  else
    log()->warn(
        "{}; forks and exits are seen at the next rescan only, and /proc is read "
        "whole once a window",
        conn.error().message);
  stopping_ = false;
  if (connector_) events_thread_ = std::thread([this] { events_loop(); });
  sampler_thread_ = std::thread([this] { sampler_loop(); });
}

void Watcher::stop() {
  if (stopping_.exchange(true)) return;
  if (wake_) {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof one);
  }
  stats_.wake();
  if (events_thread_.joinable()) events_thread_.join();
  if (sampler_thread_.joinable()) sampler_thread_.join();
}

void Watcher::events_loop() {
  std::vector<ProcEvent> events;
  while (!stopping_) {
    pollfd fds[2] = {{connector_->fd(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (stopping_) break;
    events.clear();
    connector_->read_events(events);
    if (!events.empty()) handle_events(events);
  }
}

void Watcher::handle_events(const std::vector<ProcEvent>& events) {
  // /proc is read before the lock is taken: every FUSE request waits on
  // it while it is held exclusive.
  struct Fork {
    ProcessInfo info;
    pid_t parent;
  };
  struct Exit {
    pid_t pid;
    std::optional<ProcStat> now;  // what the pid names now, if anything
  };
  std::vector<Fork> forks;
  std::vector<Exit> exits;
  std::vector<std::pair<pid_t, ProcIds>> owners;
  std::vector<std::pair<pid_t, ProcStat>> execs;
  std::vector<pid_t> exec_pids;
  std::vector<std::pair<pid_t, std::uint64_t>> execed;  // every exec, with its time
  std::vector<pid_t> new_identity;                      // exec'd or changed uid: for the rules
  for (const auto& e : events) {
    switch (e.kind) {
      case ProcEvent::Kind::overrun:
        // Said once per rescan: a storm that overruns us again before the
        // sampler has rescanned adds nothing to tell.
        if (!rescan_now_.exchange(true))
          log()->warn("the proc connector's socket overran: events were lost; rescanning /proc");
        stats_.wake();
        break;
      case ProcEvent::Kind::exec:
        exec_pids.push_back(e.tgid);
        execed.emplace_back(e.tgid, e.time_ns);
        new_identity.push_back(e.tgid);
        break;
      case ProcEvent::Kind::fork:
        if (e.pid != e.tgid) break;  // a new thread, not a new process
        if (auto info = probe_process(e.pid, proc_)) forks.push_back({*info, e.parent_tgid});
        break;
      case ProcEvent::Kind::exit:
        if (e.pid == e.tgid) exits.push_back({e.pid, proc_.stat(e.pid)});
        break;
      case ProcEvent::Kind::uid:
        // A <pid>/ directory is owned by the real uid, and moving a
        // process is its owner's right: keep both current.
        if (e.pid != e.tgid) break;
        if (auto ids = proc_.ids(e.pid)) owners.emplace_back(e.pid, *ids);
        new_identity.push_back(e.pid);
        break;
    }
  }
  // `nice -n 5 cmd` sets the level between fork and exec, after the fork
  // event read it. Only a guest group's member is weighed by it (a process
  // in 0 has it read when it moves), so only those are read again: a
  // machine that execs thousands of times a second costs a look each.
  if (!exec_pids.empty()) {
    {
      std::shared_lock lock(mu_);
      std::erase_if(exec_pids, [&](pid_t pid) {
        const Process* p = tree_.process(pid);
        return !p || p->group == kHostGroup;
      });
    }
    for (pid_t pid : exec_pids)
      if (auto st = proc_.stat(pid)) execs.emplace_back(pid, *st);
  }
  if (forks.empty() && exits.empty() && owners.empty() && execs.empty() && execed.empty()) return;
  {
    std::unique_lock lock(mu_);
    // Exits first: a pid that exited and was reused within one batch is
    // dropped before its new process is added.
    for (const auto& x : exits) {
      const Process* p = tree_.process(x.pid);
      if (!p) continue;
      // Only the leader thread may have exited (threads live on): keep
      // what still runs.
      if (x.now && !x.now->gone() && x.now->start_time == p->info.start_time) continue;
      tree_.process_gone(x.pid);
    }
    for (const auto& f : forks) tree_.process_forked(f.info, f.parent);
    for (const auto& [pid, ids] : owners) tree_.process_ids_changed(pid, ids.uid, ids.gid);
    for (const auto& [pid, st] : execs) {
      const Process* p = tree_.process(pid);
      if (p && p->info.start_time == st.start_time) tree_.process_reniced(pid, st.nice);
    }
    for (const auto& [pid, ns] : execed) tree_.process_execed(pid, ns);
    flush_();
  }
  std::sort(new_identity.begin(), new_identity.end());
  new_identity.erase(std::unique(new_identity.begin(), new_identity.end()), new_identity.end());
  tell_identity(new_identity);
}

void Watcher::sampler_loop() {
  using Clock = std::chrono::steady_clock;
  const auto net_period = net_windows_ * window_;
  auto next_net = Clock::now() + net_period;
  while (!stopping_) {
    auto now = Clock::now();
    if (!connector_ || rescan_now_.exchange(false)) {
      rescan();
      next_net = now + net_period;
    } else if (now >= next_net) {
      safety_net();
      next_net = now + net_period;
    }
    check_nice();
    auto due = sample(stats_.leased(now), now);
    auto deadline = std::min({due, next_net, now + window_});
    if (stopping_) break;
    stats_.wait(deadline, started_);
  }
}

namespace {
bool still_same(const Tree& tree, pid_t pid, std::uint64_t start_time) {
  const Process* p = tree.process(pid);
  return p && p->info.start_time == start_time;
}

struct Known {
  pid_t pid;
  std::uint64_t start_time;
};

// Of the tree's processes a listing did not show, those /proc confirms
// gone. The listing is older than the tree: a process the events thread
// added since then is missing from it without being gone.
std::vector<Known> confirm_gone(const std::vector<Known>& missing, ProcSource& proc) {
  std::vector<Known> gone;
  for (const auto& k : missing) {
    auto st = proc.stat(k.pid);
    if (!st || st->gone() || st->start_time != k.start_time) gone.push_back(k);
  }
  return gone;
}
}  // namespace

void Watcher::rescan() {
  auto live = proc_.list();

  // Where the listing and the tree disagree, found under the shared lock,
  // checked against /proc with no lock held, applied under the exclusive
  // lock only if the tree still holds what was checked.
  std::vector<Known> missing;  // in the tree, not so in the listing
  std::vector<pid_t> unknown;  // listed, not in the tree (or as another process)
  std::vector<Known> reniced;
  {
    std::shared_lock lock(mu_);
    for (const auto& [pid, p] : tree_.processes()) {
      auto it = live.find(pid);
      if (it == live.end() || it->second.start_time != p.info.start_time)
        missing.push_back({pid, p.info.start_time});
      else if (p.info.nice != it->second.nice)
        reniced.push_back({pid, p.info.start_time});
    }
    for (const auto& [pid, st] : live) {
      const Process* p = tree_.process(pid);
      if (!p || p->info.start_time != st.start_time) unknown.push_back(pid);
    }
  }
  std::vector<Known> gone = confirm_gone(missing, proc_);
  std::vector<ProcessInfo> found;
  for (pid_t pid : unknown) {
    const ProcStat& st = live.at(pid);
    if (auto ids = proc_.ids(pid)) found.push_back(info_from(st, ids->uid, ids->gid));
  }

  std::unique_lock lock(mu_);
  for (const auto& k : gone)
    if (still_same(tree_, k.pid, k.start_time)) tree_.process_gone(k.pid);
  for (const auto& info : found) tree_.process_found(info);  // known meanwhile: ignored
  for (const auto& k : reniced)
    if (still_same(tree_, k.pid, k.start_time)) tree_.process_reniced(k.pid, live.at(k.pid).nice);
  flush_();
  lock.unlock();
  // Their exec and uid events may be among those lost.
  std::vector<pid_t> found_pids;
  for (const auto& info : found) found_pids.push_back(info.pid);
  tell_identity(found_pids);
}

void Watcher::safety_net() {
  auto listed = proc_.pids();
  std::unordered_set<pid_t> live(listed.begin(), listed.end());
  std::vector<Known> missing;
  std::vector<pid_t> unknown;
  {
    std::shared_lock lock(mu_);
    for (const auto& [pid, p] : tree_.processes())
      if (!live.count(pid)) missing.push_back({pid, p.info.start_time});
    for (pid_t pid : listed)
      if (!tree_.process(pid) && !kernel_threads_.count(pid)) unknown.push_back(pid);
  }
  // A kernel thread's number freed and taken by a process is a fork the
  // connector reported; forget numbers no longer listed all the same.
  std::erase_if(kernel_threads_, [&](const auto& kv) { return !live.count(kv.first); });
  std::vector<Known> gone = confirm_gone(missing, proc_);
  std::vector<ProcessInfo> found;
  for (pid_t pid : unknown) {
    auto st = proc_.stat(pid);
    if (!st || st->gone()) continue;
    if (st->kernel_thread()) {
      kernel_threads_.emplace(pid, st->start_time);
      continue;
    }
    if (auto ids = proc_.ids(pid)) found.push_back(info_from(*st, ids->uid, ids->gid));
  }
  if (gone.empty() && found.empty()) return;
  log()->info("the safety net found {} process(es) gone and {} new that no event reported",
              gone.size(), found.size());
  std::unique_lock lock(mu_);
  for (const auto& k : gone)
    if (still_same(tree_, k.pid, k.start_time)) tree_.process_gone(k.pid);
  for (const auto& info : found) tree_.process_found(info);
  flush_();
  lock.unlock();
  std::vector<pid_t> found_pids;
  for (const auto& info : found) found_pids.push_back(info.pid);
  tell_identity(found_pids);
}

void Watcher::check_nice() {
  struct Member {
    pid_t pid;
    std::uint64_t start_time;
    int nice;
  };
  std::vector<Member> members;
  {
    std::shared_lock lock(mu_);
    for (GroupId id : tree_.group_ids()) {
      if (id == kHostGroup) continue;
      for (pid_t pid : tree_.group(id)->procs) {
        const Process* p = tree_.process(pid);
        if (p) members.push_back({pid, p->info.start_time, p->info.nice});
      }
    }
  }
  std::vector<Member> changed;
  for (const auto& m : members) {
    auto n = proc_.nice(m.pid);
    if (n && *n != m.nice) changed.push_back({m.pid, m.start_time, *n});
  }
  if (changed.empty()) return;
  // getpriority(2) does not say which process holds the number: a change
  // is applied only when /proc says it is still the one we know.
  std::vector<Member> confirmed;
  for (const auto& c : changed)
    if (auto st = proc_.stat(c.pid); st && st->start_time == c.start_time)
      confirmed.push_back({c.pid, c.start_time, st->nice});
  std::unique_lock lock(mu_);
  for (const auto& c : confirmed)
    if (still_same(tree_, c.pid, c.start_time)) tree_.process_reniced(c.pid, c.nice);
  flush_();
}

}  // namespace fsched
