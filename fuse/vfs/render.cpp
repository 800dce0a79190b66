#include "render.hpp"

#include <algorithm>
#include <cstdio>

#include "nodes.hpp"
#include "policies.hpp"
#include "proc_stat.hpp"

namespace fsched {

std::string format_pct(double pct) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", pct);
  return buf;
}

namespace {
std::string group_stats(const Tree& tree, Backend& backend, const StatsBook& stats,
                        const Group& g) {
  Usage u = backend.group_usage(tree.path_of(g.id));
  std::string out;
  out += "usage_usec " + std::to_string(u.usage_usec) + "\n";
  out += "user_usec " + std::to_string(u.user_usec) + "\n";
  out += "system_usec " + std::to_string(u.system_usec) + "\n";
  out += "cpu_pct " + format_pct(stats.group_pct(g.id)) + "\n";
  out += "entitled_pct " + format_pct(stats.group_entitled(g.id)) + "\n";
  out += "nr_tasks " + std::to_string(g.procs.size()) + "\n";
  out += "weight " + std::to_string(g.is_host() ? 100 : g.settings.weight) + "\n";
  out += "nr_groups " + std::to_string(g.children.size()) + "\n";
  if (!g.is_host() && g.settings.cpu_max.limited()) {
    Throttling t = backend.group_throttling(tree.path_of(g.id)).value_or(Throttling{});
    out += "nr_periods " + std::to_string(t.nr_periods) + "\n";
    out += "nr_throttled " + std::to_string(t.nr_throttled) + "\n";
    out += "throttled_usec " + std::to_string(t.throttled_usec) + "\n";
  }
  return out;
}

std::optional<std::string> process_stats(const Process& p, Backend& backend,
                                         const StatsBook& stats) {
  auto st = read_proc_stat(p.info.pid);
  if (!st || st->start_time != p.info.start_time) return std::nullopt;
  std::uint64_t user = ticks_to_usec(st->utime_ticks);
  std::uint64_t sys = ticks_to_usec(st->stime_ticks);
  std::uint64_t usage = user + sys;
  // The scheduler's own count, split as the kernel splits its ticks.
  if (auto own = backend.process_usage_usec(p.info.pid)) {
    user = usage ? *own * user / usage : *own;
    sys = *own - std::min(user, *own);
    usage = *own;
  }
  std::string out;
  out += "usage_usec " + std::to_string(usage) + "\n";
  out += "user_usec " + std::to_string(user) + "\n";
  out += "system_usec " + std::to_string(sys) + "\n";
  out += "cpu_pct " + format_pct(stats.process_pct(p.info.pid)) + "\n";
  out += "entitled_pct " + format_pct(stats.process_entitled(p.info.pid)) + "\n";
  out += "nice " + std::to_string(st->nice) + "\n";
  out += "uid " + std::to_string(p.info.uid) + "\n";
  out += "nr_threads " + std::to_string(st->num_threads) + "\n";
  return out;
}
}  // namespace

std::optional<std::string> render(const Tree& tree, Backend& backend, const StatsBook& stats,
                                  Node node) {
  switch (node.kind) {
    case NodeKind::scheduler_file: {
      auto policies = known_policies();
      if (node.sub >= policies.size()) return std::nullopt;
      const auto& p = policies[node.sub];
      if (!backend.supports_policy(p.policy)) return std::nullopt;
      return std::string(p.description) + "\nbackends: " + std::string(backend.name()) + "\n";
    }
    case NodeKind::guest_file: {
      if (node.id & kUploadBit) return std::string();
      auto g = find_guest(backend, node.id);
      if (!g) return std::nullopt;
      std::string out = "guest scheduler \"" + g->ops_name +
                        "\" (a sched_ext sub-scheduler loaded by root)\nbackends: " +
                        std::string(backend.name()) + "\nkind: guest\n";
      for (const auto& [knob, value] : g->knobs)
        out += "knob " + knob + " " + std::to_string(value) + "\n";
      for (const auto& path : g->groups)
        out += "group " + (path.empty() ? std::string("0") : "0/" + join_path(path)) + "\n";
      for (const auto& exit : g->exits) out += "exit " + exit + "\n";
      return out;
    }
    case NodeKind::group_file: {
      const Group* g = tree.group(node.id);
      if (!g) return std::nullopt;
      switch (static_cast<GroupFile>(node.sub)) {
        case GroupFile::scheduler:
          if (auto guest = g->is_host() ? std::nullopt : backend.guest_of(tree.path_of(g->id)))
            return *guest + "\n";
          return std::string(policy_name(g->settings.policy)) + "\n";
        case GroupFile::cpu_weight:
          return std::to_string(g->is_host() ? 100 : g->settings.weight) + "\n";
        case GroupFile::tasks: {
          std::string out;
          for (pid_t pid : g->procs) out += std::to_string(pid) + "\n";
          return out;
        }
        case GroupFile::stats:
          return group_stats(tree, backend, stats, *g);
        case GroupFile::cpu_max: {
          const CpuMax& m = g->settings.cpu_max;
          return (m.limited() ? std::to_string(m.quota_us) : std::string("max")) + " " +
                 std::to_string(m.period_us) + "\n";
        }
        case GroupFile::cpus:
          return format_cpu_list(tree.effective_cpus(g->id)) + "\n";
        default:
          return std::nullopt;
      }
    }
    case NodeKind::usernice_file: {
      std::string out;
      for (const auto& [uid, nice] : tree.usernice())
        out += std::to_string(uid) + " " + std::to_string(nice) + "\n";
      return out;
    }
    case NodeKind::pid_file: {
      const Process* p = tree.process(static_cast<pid_t>(node.id));
      if (!p) return std::nullopt;
      if (static_cast<PidFile>(node.sub) == PidFile::proc) return std::nullopt;  // a link
      if (static_cast<PidFile>(node.sub) == PidFile::comm) {
        auto comm = read_small_file("/proc/" + std::to_string(node.id) + "/comm");
        return comm;
      }
      return process_stats(*p, backend, stats);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace fsched
