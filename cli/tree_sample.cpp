#include "tree_sample.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "cli_error.hpp"

namespace fsched::cli {

namespace {
// One read(2) per file, as /proc wants (the daemon answers per open).
bool slurp(const std::string& path, std::string* out) {
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

bool all_digits(const char* s) {
  if (!*s) return false;
  for (; *s; ++s)
    if (*s < '0' || *s > '9') return false;
  return true;
}

void sample_group(const std::string& mount, const std::string& path, Sample* out) {
  const std::string dir = mount + "/" + path;
  GroupSample g;
  g.path = path;
  std::string text;
  if (slurp(dir + "/scheduler", &text)) g.policy = text.substr(0, text.find('\n'));
  if (slurp(dir + "/cpu.weight", &text)) g.weight = std::atoi(text.c_str());
  std::vector<std::string> children;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;  // removed meanwhile
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
    if (!all_digits(e->d_name)) {
      struct stat st;
      if (e->d_type == DT_DIR ||
          (::stat((dir + "/" + e->d_name).c_str(), &st) == 0 && S_ISDIR(st.st_mode)))
        children.emplace_back(e->d_name);
      continue;
    }
    ProcSample p;
    p.pid = static_cast<pid_t>(std::atol(e->d_name));
    const std::string pdir = dir + "/" + e->d_name;
    if (!slurp(pdir + "/stats", &text) || !parse_proc_stats(text, &p)) continue;  // exited
    if (slurp(pdir + "/comm", &text)) p.comm = text.substr(0, text.find('\n'));
    g.procs.push_back(std::move(p));
  }
  ::closedir(d);
  std::sort(g.procs.begin(), g.procs.end(),
            [](const ProcSample& a, const ProcSample& b) { return a.pid < b.pid; });
  std::sort(children.begin(), children.end());
  out->groups.push_back(std::move(g));
  for (const auto& c : children) sample_group(mount, path + "/" + c, out);
}
}  // namespace

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
    }
  }
  return usage;
}

Sample take_sample(const std::string& mount) {
  Sample s;
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  s.when_sec = ts.tv_sec + ts.tv_nsec / 1e9;
  std::string text;
  // 0 lists every process of the machine: check it is there, do not read it.
  if (::access((mount + "/0/tasks").c_str(), R_OK) != 0)
    throw CliError("cannot read " + mount + "/0/tasks");
  sample_group(mount, "0", &s);
  if (slurp(mount + "/usernice", &text)) {
    std::istringstream in(text);
    long uid, nice;
    while (in >> uid >> nice) s.usernice[static_cast<uid_t>(uid)] = static_cast<int>(nice);
  }
  return s;
}

}  // namespace fsched::cli
