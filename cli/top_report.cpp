#include "top_report.hpp"

#include <pwd.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

namespace fsched::cli {

std::string default_user_name(uid_t uid) {
  if (struct passwd* pw = ::getpwuid(uid)) return pw->pw_name;
  return "User " + std::to_string(uid);
}

std::string format_pct(const Pct& p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%5.1f%% (%5.1f%%, %5.1f%%)", p.total, p.user, p.system);
  return buf;
}

bool off_entitlement(const ReportRow& row) {
  if (!row.entitled) return false;
  const double off = std::abs(row.pct.total - *row.entitled);
  return off >= kOffEntitledPoints && off >= kOffEntitledFraction * *row.entitled;
}

std::vector<ReportRow> make_report(const Sample& before, const Sample& after,
                                   const ReportOptions& o,
                                   const std::function<std::string(uid_t)>& user_name) {
  struct Key {
    std::uint64_t usage, user, sys;
  };
  std::unordered_map<pid_t, Key> old;
  for (const auto& g : before.groups)
    for (const auto& p : g.procs) old[p.pid] = {p.usage_usec, p.user_usec, p.system_usec};

  struct Delta {
    const ProcSample* proc;
    double usage, user, sys;
  };
  std::vector<std::vector<Delta>> per_group(after.groups.size());
  double total_used = 0;
  for (std::size_t i = 0; i < after.groups.size(); ++i) {
    for (const auto& p : after.groups[i].procs) {
      auto it = old.find(p.pid);
      if (it == old.end() || it->second.usage > p.usage_usec) continue;  // new, or pid reused
      auto d = [](std::uint64_t now, std::uint64_t then) {
        return now >= then ? static_cast<double>(now - then) : 0.0;
      };
      Delta delta{&p, d(p.usage_usec, it->second.usage), d(p.user_usec, it->second.user),
                  d(p.system_usec, it->second.sys)};
      total_used += delta.usage;
      per_group[i].push_back(delta);
    }
  }
  const double elapsed_usec = (after.when_sec - before.when_sec) * 1e6;
  const double whole = o.cpu_time ? total_used : elapsed_usec;
  auto pct = [&](double v) { return whole > 0 ? 100.0 * v / whole : 0.0; };
  bool has_entitled = false;
  double entitled_sum = 0;
  for (const auto& g : after.groups)
    for (const auto& p : g.procs)
      if (p.entitled_pct) {
        has_entitled = true;
        entitled_sum += *p.entitled_pct;
      }
  auto entitled = [&](const ProcSample& p) {
    double e = p.entitled_pct.value_or(0);
    if (!o.cpu_time) return e;
    return entitled_sum > 0 ? 100.0 * e / entitled_sum : 0.0;
  };
  auto add_entitled = [&](ReportRow& r, double e) {
    if (has_entitled) r.entitled = r.entitled.value_or(0) + e;
  };

  std::vector<ReportRow> rows;
  for (std::size_t i = 0; i < after.groups.size(); ++i) {
    const auto& g = after.groups[i];
    const bool host = g.path == "0";
    ReportRow head;
    head.kind = ReportRow::Kind::group;
    head.path = g.path;
    head.policy = g.policy;
    head.weight = g.weight;
    head.cpu_max = g.cpu_max;
    head.cpus = g.cpus;
    for (const auto& b : before.groups)
      if (b.path == g.path && b.nr_throttled && g.nr_throttled)
        head.at_cap = *g.nr_throttled > *b.nr_throttled;
    head.label = g.path + " (" + g.policy;
    if (!host) head.label += ", weight " + std::to_string(g.weight);
    if (!g.cpu_max.empty()) head.label += ", cpu.max " + g.cpu_max;
    if (!host && !g.cpus.empty()) head.label += ", cpus " + g.cpus;
    head.label += head.at_cap ? ") AT CAP" : ")";
    add_entitled(head, 0);
    std::map<uid_t, std::vector<const Delta*>> by_user;
    for (const auto& d : per_group[i]) {
      head.pct.total += pct(d.usage);
      head.pct.user += pct(d.user);
      head.pct.system += pct(d.sys);
      add_entitled(head, entitled(*d.proc));
      // The host group holds every process of the machine: its idle ones
      // would bury the rest.
      if (host && !o.all && d.usage <= 0) continue;
      by_user[d.proc->uid].push_back(&d);
    }
    rows.push_back(head);
    for (const auto& [uid, list] : by_user) {
      ReportRow u;
      u.kind = ReportRow::Kind::user;
      u.uid = uid;
      u.name = user_name(uid);
      u.label = u.name;
      add_entitled(u, 0);
      if (auto n = after.usernice.find(uid); n != after.usernice.end()) {
        u.usernice = n->second;
        u.label += " (usernice " + std::to_string(n->second) + ")";
      }
      std::vector<ReportRow> procs;
      for (const Delta* d : list) {
        ReportRow r;
        r.kind = ReportRow::Kind::process;
        r.uid = uid;
        r.pid = d->proc->pid;
        r.comm = d->proc->comm;
        r.label = "(" + d->proc->comm + ") " + std::to_string(d->proc->pid);
        r.pct = {pct(d->usage), pct(d->user), pct(d->sys)};
        add_entitled(r, entitled(*d->proc));
        add_entitled(u, entitled(*d->proc));
        u.pct.total += r.pct.total;
        u.pct.user += r.pct.user;
        u.pct.system += r.pct.system;
        procs.push_back(std::move(r));
      }
      rows.push_back(std::move(u));
      for (auto& r : procs) rows.push_back(std::move(r));
    }
  }
  return rows;
}

}  // namespace fsched::cli
