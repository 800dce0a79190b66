#include "metrics.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "cli_error.hpp"
#include "mount_point.hpp"
#include "replace_file.hpp"

namespace fsched::cli {

namespace {
// One metric family: its metadata, then its samples together, as
// OpenMetrics wants them.
struct Family {
  std::string name;  // without the _total of a counter
  std::string type;  // counter or gauge
  std::string help;
  std::vector<std::pair<std::string, std::string>> samples;  // labels, value
};

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string labels(const std::string& group, std::optional<uid_t> uid = std::nullopt) {
  std::string out = "{group=\"" + escape(group) + "\"";
  if (uid) out += ",uid=\"" + std::to_string(*uid) + "\"";
  return out + "}";
}

std::optional<std::uint64_t> integer(const StatLines& lines, const std::string& key) {
  for (const auto& [k, v] : lines)
    if (k == key) {
      char* end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (!v.empty() && *end == '\0') return n;
    }
  return std::nullopt;
}

std::optional<double> real(const StatLines& lines, const std::string& key) {
  for (const auto& [k, v] : lines)
    if (k == key) {
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (!v.empty() && *end == '\0') return d;
    }
  return std::nullopt;
}

// Microseconds as seconds, exactly.
std::string seconds(std::uint64_t usec) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(usec / 1000000),
                static_cast<unsigned long long>(usec % 1000000));
  return buf;
}

// A percentage of one CPU as a ratio (1 = one CPU).
std::string ratio(double pct) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", pct / 100.0);
  return buf;
}

struct UserFigures {
  double cpu = 0;
  double entitled = 0;
  bool has_entitled = false;
  int processes = 0;
};
}  // namespace

std::string render_metrics(const Sample& s) {
  Family usage{"fsched_group_cpu_usage_seconds",
               "counter",
               "CPU time used by the group and its subgroups since the group was made",
               {}};
  Family user{"fsched_group_cpu_user_seconds", "counter", "The user-mode part of that", {}};
  Family system{"fsched_group_cpu_system_seconds", "counter", "The kernel-mode part of that", {}};
  Family cpu{"fsched_group_cpu_ratio",
             "gauge",
             "CPUs the group used over the daemon's last window (1 = one CPU)",
             {}};
  Family entitled{"fsched_group_cpu_entitled_ratio",
                  "gauge",
                  "CPUs the tree's weights entitled the group to over that window",
                  {}};
  Family weight{"fsched_group_weight", "gauge", "cpu.weight among its siblings, 1..10000", {}};
  Family tasks{"fsched_group_tasks", "gauge", "Processes directly in the group", {}};
  Family policy{"fsched_group_scheduler", "gauge", "1 for the group's scheduling policy", {}};
  Family periods{"fsched_group_cpu_periods", "counter", "cpu.max periods of a capped group", {}};
  Family throttled{"fsched_group_cpu_throttled_periods",
                   "counter",
                   "cpu.max periods in which the group was throttled",
                   {}};
  Family throttled_time{"fsched_group_cpu_throttled_seconds",
                        "counter",
                        "Time the group was throttled by cpu.max",
                        {}};
  Family ucpu{"fsched_user_cpu_ratio",
              "gauge",
              "CPUs a user's processes directly in the group used over the daemon's window",
              {}};
  Family uentitled{"fsched_user_cpu_entitled_ratio",
                   "gauge",
                   "CPUs the weights entitled those processes to over that window",
                   {}};
  Family uprocs{"fsched_user_processes", "gauge", "A user's processes directly in the group", {}};
  Family nice{"fsched_usernice", "gauge", "A user's nice level in user-fair groups (not 0)", {}};

  for (const auto& g : s.groups) {
    const std::string l = labels(g.path);
    auto counter = [&](Family& f, const char* key) {
      if (auto v = integer(g.stats, key)) f.samples.emplace_back(l, seconds(*v));
    };
    counter(usage, "usage_usec");
    counter(user, "user_usec");
    counter(system, "system_usec");
    if (auto v = real(g.stats, "cpu_pct")) cpu.samples.emplace_back(l, ratio(*v));
    if (auto v = real(g.stats, "entitled_pct")) entitled.samples.emplace_back(l, ratio(*v));
    if (auto v = integer(g.stats, "weight")) weight.samples.emplace_back(l, std::to_string(*v));
    if (auto v = integer(g.stats, "nr_tasks")) tasks.samples.emplace_back(l, std::to_string(*v));
    if (!g.policy.empty())
      policy.samples.emplace_back(
          "{group=\"" + escape(g.path) + "\",scheduler=\"" + escape(g.policy) + "\"}", "1");
    if (auto v = integer(g.stats, "nr_periods"))
      periods.samples.emplace_back(l, std::to_string(*v));
    if (auto v = integer(g.stats, "nr_throttled"))
      throttled.samples.emplace_back(l, std::to_string(*v));
    if (auto v = integer(g.stats, "throttled_usec"))
      throttled_time.samples.emplace_back(l, seconds(*v));

    std::map<uid_t, UserFigures> users;
    for (const auto& p : g.procs) {
      auto& u = users[p.uid];
      u.cpu += p.cpu_pct.value_or(0);
      u.entitled += p.entitled_pct.value_or(0);
      u.has_entitled = u.has_entitled || p.entitled_pct.has_value();
      ++u.processes;
    }
    for (const auto& [uid, u] : users) {
      const std::string ul = labels(g.path, uid);
      ucpu.samples.emplace_back(ul, ratio(u.cpu));
      if (u.has_entitled) uentitled.samples.emplace_back(ul, ratio(u.entitled));
      uprocs.samples.emplace_back(ul, std::to_string(u.processes));
    }
  }
  for (const auto& [uid, level] : s.usernice)
    nice.samples.emplace_back("{uid=\"" + std::to_string(uid) + "\"}", std::to_string(level));

  std::string out;
  for (const Family* f :
       {&usage, &user, &system, &cpu, &entitled, &weight, &tasks, &policy, &periods, &throttled,
        &throttled_time, &ucpu, &uentitled, &uprocs, &nice}) {
    if (f->samples.empty()) continue;
    out += "# HELP " + f->name + " " + f->help + "\n";
    out += "# TYPE " + f->name + " " + f->type + "\n";
    const std::string sample = f->type == "counter" ? f->name + "_total" : f->name;
    for (const auto& [l, v] : f->samples) out += sample + l + " " + v + "\n";
  }
  return out + "# EOF\n";
}

void write_file_atomically(const std::string& dir, const std::string& name,
                           const std::string& text) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw CliError(dir + " is not a directory");
  // Hidden while written: the collector reads only *.prom.
  if (auto s = replace_file(dir, name, text); !s) throw CliError(s.error().message);
}

int run_metrics(const MetricsOptions& o) {
  const std::string mount = find_mount(o.mount);
  const std::string text = render_metrics(take_sample(mount, true));
  if (o.textfile_dir.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  write_file_atomically(o.textfile_dir, "fsched.prom", text);
  return 0;
}

}  // namespace fsched::cli
