#include "process_list.hpp"

#include <dirent.h>

#include <charconv>
#include <cstring>
#include <sstream>

namespace fsched {

std::vector<pid_t> list_pids() {
  std::vector<pid_t> out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    pid_t pid = 0;
    auto len = std::strlen(e->d_name);
    auto [p, ec] = std::from_chars(e->d_name, e->d_name + len, pid);
    if (ec == std::errc() && p == e->d_name + len) out.push_back(pid);
  }
  ::closedir(d);
  return out;
}

std::unordered_map<pid_t, ProcStat> list_processes() {
  std::unordered_map<pid_t, ProcStat> out;
  for (pid_t pid : list_pids()) {
    auto st = read_proc_stat(pid);
    if (!st || st->kernel_thread() || st->gone()) continue;
    out.emplace(pid, std::move(*st));
  }
  return out;
}

std::int64_t boot_time_sec() {
  auto text = read_small_file("/proc/stat");
  if (!text) return 0;
  std::istringstream in(*text);
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      std::int64_t t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

}  // namespace fsched
