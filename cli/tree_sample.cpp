#include "tree_sample.hpp"
#include "cpu_list.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "cli_error.hpp"

namespace fsched::cli {

// One open per file, as /proc wants (the daemon answers per open).
bool read_tree_file(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out->append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return true;
}

namespace {
bool slurp(const std::string& path, std::string* out) {
  return read_tree_file(path, out);
}

bool all_digits(const char* s) {
  if (!*s) return false;
  for (; *s; ++s)
    if (*s < '0' || *s > '9') return false;
  return true;
}

// A group directory's entries: child groups (sorted) and, when `pids` is
// given, the pid directories. false when the group is gone.
bool list_group(const std::string& dir, std::vector<std::string>* children,
                std::vector<std::string>* pids) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return false;  // removed meanwhile
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    if (!all_digits(e->d_name)) {
      struct stat st;
      if (e->d_type == DT_DIR ||
          (::stat((dir + "/" + e->d_name).c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
        children->emplace_back(e->d_name);
    } else if (pids) {
      pids->emplace_back(e->d_name);
    }
  }
  ::closedir(d);
  std::sort(children->begin(), children->end());
  return true;
}

void walk_groups(const std::string& mount, const std::string& path, std::vector<std::string>* out) {
  std::vector<std::string> children;
  if (!list_group(mount + "/" + path, &children, nullptr)) return;
  out->push_back(path);
  for (const auto& c : children) walk_groups(mount, path + "/" + c, out);
}

std::optional<double> number_of(const std::string& value) {
  char* end = nullptr;
  double d = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0') return std::nullopt;
  return d;
}

void sample_group(const std::string& mount, const std::string& path, bool group_stats,
                  Sample* out) {
  const std::string dir = mount + "/" + path;
  GroupSample g;
  g.path = path;
  std::string text;
  if (slurp(dir + "/scheduler", &text)) g.policy = text.substr(0, text.find('\n'));
  if (slurp(dir + "/cpu.weight", &text)) g.weight = std::atoi(text.c_str());
  if (slurp(dir + "/cpu.max", &text) && !text.starts_with("max")) {
    g.cpu_max = text.substr(0, text.find('\n'));
    // Only a capped group counts throttling: one more read for it alone.
    if (!group_stats && slurp(dir + "/stats", &text)) g.stats = parse_stat_lines(text);
    for (const auto& [k, v] : g.stats)
      if (k == "nr_throttled") g.nr_throttled = std::strtoull(v.c_str(), nullptr, 10);
  }
  // Every online CPU is no limit: not worth a word on each line.
  static const std::string online =
      format_cpu_list(read_cpu_list_file("/sys/devices/system/cpu/online").value_or(CpuSet{}));
  if (slurp(dir + "/cpus", &text) && text.substr(0, text.find('\n')) != online)
    g.cpus = text.substr(0, text.find('\n'));
  if (group_stats && slurp(dir + "/stats", &text)) g.stats = parse_stat_lines(text);
  std::vector<std::string> children, pids;
  if (!list_group(dir, &children, &pids)) return;
  for (const auto& pid : pids) {
    ProcSample p;
    p.pid = static_cast<pid_t>(std::atol(pid.c_str()));
    const std::string pdir = dir + "/" + pid;
    if (!slurp(pdir + "/stats", &text) || !parse_proc_stats(text, &p)) continue;  // exited
    if (slurp(pdir + "/comm", &text)) p.comm = text.substr(0, text.find('\n'));
    g.procs.push_back(std::move(p));
  }
  std::sort(g.procs.begin(), g.procs.end(),
            [](const ProcSample& a, const ProcSample& b) { return a.pid < b.pid; });
  out->groups.push_back(std::move(g));
  for (const auto& c : children) sample_group(mount, path + "/" + c, group_stats, out);
}
}  // namespace

StatLines parse_stat_lines(const std::string& text) {
  StatLines out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string key, value;
    if (!(words >> key)) continue;
    std::getline(words >> std::ws, value);
    out.emplace_back(key, value);
  }
  return out;
}

std::vector<std::string> group_paths(const std::string& mount) {
  if (::access((mount + "/0/tasks").c_str(), R_OK) != 0)
    throw CliError("cannot read " + mount + "/0/tasks");
  std::vector<std::string> out;
  walk_groups(mount, "0", &out);
  return out;
}

bool parse_proc_stats(const std::string& text, ProcSample* out) {
  std::istringstream in(text);
  std::string key, value;
  bool usage = false;
  while (in >> key >> value) {
    auto num = [&] { return std::strtoull(value.c_str(), nullptr, 10); };
    if (key == "usage_usec") {
      out->usage_usec = num();
      usage = true;
    } else if (key == "user_usec") {
      out->user_usec = num();
    } else if (key == "system_usec") {
      out->system_usec = num();
    } else if (key == "uid") {
      out->uid = static_cast<uid_t>(num());
    } else if (key == "cpu_pct") {
      out->cpu_pct = number_of(value);
    } else if (key == "entitled_pct") {
      out->entitled_pct = number_of(value);
    }
  }
  return usage;
}

Sample take_sample(const std::string& mount, bool with_group_stats) {
  Sample s;
  std::string text;
  // 0 lists every process of the machine: check it is there, do not read it.
  if (::access((mount + "/0/tasks").c_str(), R_OK) != 0)
    throw CliError("cannot read " + mount + "/0/tasks");
  sample_group(mount, "0", with_group_stats, &s);
  // Stamped when the counters were read: the daemon's first stats read
  // after a quiet spell waits one window before it answers.
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  s.when_sec = ts.tv_sec + ts.tv_nsec / 1e9;
  clock_gettime(CLOCK_REALTIME, &ts);
  s.wall_sec = ts.tv_sec + ts.tv_nsec / 1e9;
  if (slurp(mount + "/usernice", &text)) {
    std::istringstream in(text);
    long uid, nice;
    while (in >> uid >> nice) s.usernice[static_cast<uid_t>(uid)] = static_cast<int>(nice);
  }
  return s;
}

}  // namespace fsched::cli
