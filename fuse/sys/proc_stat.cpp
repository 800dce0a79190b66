#include "proc_stat.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <climits>
#include <sstream>
#include <string_view>
#include <vector>

namespace fsched {

namespace {
constexpr unsigned kPfKthread = 0x00200000;  // PF_KTHREAD in include/linux/sched.h

template <typename T>
bool to_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

long ticks_per_second() {
  static const long hz = sysconf(_SC_CLK_TCK);
  return hz > 0 ? hz : 100;
}
}  // namespace

bool ProcStat::kernel_thread() const {
  return (flags & kPfKthread) != 0;
}

std::uint64_t ticks_to_usec(std::uint64_t ticks) {
  return ticks * 1'000'000 / static_cast<std::uint64_t>(ticks_per_second());
}

std::optional<std::string> read_small_file(const std::string& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) break;
  }
  ::close(fd);
  return out;
}

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  // comm may hold spaces and parentheses: it ends at the last ')'.
  auto open = text.find('(');
  auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  ProcStat st;
  if (!to_number(text.substr(0, open == 0 ? 0 : open - 1), st.pid)) return std::nullopt;
  st.comm = std::string(text.substr(open + 1, close - open - 1));
  std::vector<std::string_view> f;  // f[0] is field 3 (state)
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\n')) rest.remove_prefix(1);
    if (rest.empty()) break;
    auto end = rest.find_first_of(" \n");
    f.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  if (f.size() < 20) return std::nullopt;
  st.state = f[0].empty() ? '?' : f[0][0];
  long nice = 0;
  bool ok = to_number(f[1], st.ppid) && to_number(f[6], st.flags) &&
            to_number(f[11], st.utime_ticks) && to_number(f[12], st.stime_ticks) &&
            to_number(f[16], nice) && to_number(f[17], st.num_threads) &&
            to_number(f[19], st.start_time);
  if (!ok) return std::nullopt;
  st.nice = static_cast<int>(nice);
  return st;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  auto text = read_small_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  return parse_proc_stat(*text);
}

std::optional<ProcIds> parse_proc_ids(std::string_view status) {
  ProcIds ids;
  bool have_uid = false, have_gid = false;
  auto first_field = [](std::string_view line) {
    auto s = line.find_first_not_of(" \t");
    if (s == std::string_view::npos) return std::string_view{};
    line.remove_prefix(s);
    return line.substr(0, line.find_first_of(" \t"));
  };
  while (!status.empty()) {
    auto nl = status.find('\n');
    auto line = status.substr(0, nl);
    if (line.starts_with("Uid:")) have_uid = to_number(first_field(line.substr(4)), ids.uid);
    if (line.starts_with("Gid:")) have_gid = to_number(first_field(line.substr(4)), ids.gid);
    if (line.starts_with("Tgid:")) to_number(first_field(line.substr(5)), ids.tgid);
    if (line.starts_with("Groups:")) {
      auto rest = line.substr(7);
      while (true) {
        auto f = first_field(rest);
        if (f.empty()) break;
        gid_t g = 0;
        if (to_number(f, g)) ids.groups.push_back(g);
        rest.remove_prefix(static_cast<size_t>(f.data() - rest.data()) + f.size());
      }
    }
    if (nl == std::string_view::npos) break;
    status.remove_prefix(nl + 1);
  }
  if (!have_uid || !have_gid) return std::nullopt;
  return ids;
}

std::optional<ProcIds> read_proc_ids(pid_t pid) {
  auto text = read_small_file("/proc/" + std::to_string(pid) + "/status");
  if (!text) return std::nullopt;
  return parse_proc_ids(*text);
}

std::optional<std::string> read_proc_exe(pid_t pid) {
  char buf[PATH_MAX];
  const std::string link = "/proc/" + std::to_string(pid) + "/exe";
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
  if (n < 0 || n == static_cast<ssize_t>(sizeof buf)) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

std::optional<std::uint64_t> parse_run_delay_usec(std::string_view schedstat) {
  std::istringstream in{std::string(schedstat)};
  std::uint64_t run_ns = 0, delay_ns = 0;
  if (!(in >> run_ns >> delay_ns)) return std::nullopt;
  return delay_ns / 1000;
}

std::optional<std::uint64_t> read_run_delay_usec(pid_t pid, int threads) {
  const std::string dir = "/proc/" + std::to_string(pid);
  if (threads <= 1) {
    auto text = read_small_file(dir + "/schedstat");
    return text ? parse_run_delay_usec(*text) : std::nullopt;
  }
  DIR* d = ::opendir((dir + "/task").c_str());
  if (!d) return std::nullopt;
  std::uint64_t sum = 0;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    auto text = read_small_file(dir + "/task/" + e->d_name + "/schedstat");
    if (auto v = text ? parse_run_delay_usec(*text) : std::nullopt) sum += *v;
  }
  ::closedir(d);
  return sum;
}

}  // namespace fsched
