#include "watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>

#include <mutex>
#include <shared_mutex>

#include "log.hpp"
#include "proc_probe.hpp"

namespace fsched {

Watcher::Watcher(Tree& tree, std::shared_mutex& mu, StatsBook& stats, std::function<void()> flush,
                 std::chrono::milliseconds window, ProcSource& proc)
    : tree_(tree), mu_(mu), stats_(stats), flush_(std::move(flush)), proc_(proc), window_(window) {}

void Watcher::start() {
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  auto conn = ProcConnector::open();
  if (conn)
    connector_.emplace(std::move(*conn));
  else
    log()->warn("{}; forks and exits are seen at the next rescan only", conn.error().message);
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
  for (const auto& e : events) {
    switch (e.kind) {
      case ProcEvent::Kind::overrun:
        rescan_now_ = true;
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
        break;
    }
  }
  if (forks.empty() && exits.empty() && owners.empty()) return;
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
  flush_();
}

void Watcher::sampler_loop() {
  while (!stopping_) {
    rescan();
    pollfd fd{wake_.get(), POLLIN, 0};
    auto deadline = std::chrono::steady_clock::now() + window_;
    while (!stopping_ && !rescan_now_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      ::poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), 200)));
    }
    rescan_now_ = false;
  }
}

void Watcher::rescan() {
  auto now = std::chrono::steady_clock::now();
  auto live = proc_.list();

  // Where the listing and the tree disagree, found under the shared lock,
  // checked against /proc with no lock held, applied under the exclusive
  // lock only if the tree still holds what was checked.
  struct Known {
    pid_t pid;
    std::uint64_t start_time;
  };
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
  std::vector<Known> gone;
  for (const auto& k : missing) {
    // The listing is older than the tree: a process the events thread
    // added since then is missing from it without being gone.
    auto st = proc_.stat(k.pid);
    if (!st || st->gone() || st->start_time != k.start_time) gone.push_back(k);
  }
  std::vector<ProcessInfo> found;
  for (pid_t pid : unknown) {
    const ProcStat& st = live.at(pid);
    if (auto ids = proc_.ids(pid)) found.push_back(info_from(st, ids->uid, ids->gid));
  }

  std::vector<std::pair<GroupId, GroupPath>> groups;
  {
    std::unique_lock lock(mu_);
    auto still = [&](const Known& k) {
      const Process* p = tree_.process(k.pid);
      return p && p->info.start_time == k.start_time;
    };
    for (const auto& k : gone)
      if (still(k)) tree_.process_gone(k.pid);
    for (const auto& info : found) tree_.process_found(info);  // known meanwhile: ignored
    for (const auto& k : reniced)
      if (still(k)) tree_.process_reniced(k.pid, live.at(k.pid).nice);
    flush_();
    for (GroupId id : tree_.group_ids()) groups.emplace_back(id, tree_.path_of(id));
  }

  // Shares over the window just ended.
  double elapsed_usec =
      last_time_ == std::chrono::steady_clock::time_point{}
          ? 0.0
          : static_cast<double>(
                std::chrono::duration_cast<std::chrono::microseconds>(now - last_time_).count());
  std::unordered_map<pid_t, double> proc_pct;
  std::unordered_map<pid_t, Sample> next_proc;
  next_proc.reserve(live.size());
  for (const auto& [pid, st] : live) {
    Sample s{st.start_time, ticks_to_usec(st.utime_ticks + st.stime_ticks)};
    auto prev = last_proc_.find(pid);
    if (elapsed_usec > 0 && prev != last_proc_.end() && prev->second.start_time == s.start_time &&
        s.cpu_usec >= prev->second.cpu_usec)
      proc_pct[pid] =
          100.0 * static_cast<double>(s.cpu_usec - prev->second.cpu_usec) / elapsed_usec;
    next_proc.emplace(pid, s);
  }
  std::unordered_map<GroupId, double> group_pct;
  std::unordered_map<GroupId, std::uint64_t> next_group;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, path] : groups) {
      if (!tree_.group(id)) continue;
      std::uint64_t usage = tree_.backend().group_usage(path).usage_usec;
      auto prev = last_group_.find(id);
      if (elapsed_usec > 0 && prev != last_group_.end() && usage >= prev->second)
        group_pct[id] = 100.0 * static_cast<double>(usage - prev->second) / elapsed_usec;
      next_group.emplace(id, usage);
    }
  }
  stats_.publish(std::move(proc_pct), std::move(group_pct));
  last_proc_.swap(next_proc);
  last_group_.swap(next_group);
  last_time_ = now;
}

}  // namespace fsched
