// Placement rules under load (issue 15): how long `uid>=9000 0/users`
// takes to place N processes that exist when the daemon starts, and a
// reload that moves them all; then fork storms of short processes, each of
// which reports whether (and how soon) it found itself placed.
//
//   bench_rules [N] [RATE] [SECONDS] [LIFE_MS]   (default 5000 1000 5 300)
//
// Storm "setuid": a root parent forks RATE children a second; each becomes
// uid 9000 (a uid event the daemon must act on, one move per child).
// Storm "inherit": the parent is uid 9000, placed once; its children are
// born in the group (no move). A child polls /proc/self/cgroup every 10 ms
// for LIFE_MS and reports the first moment it saw `fsched-users`, or -1.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "daemon_cpu.hpp"
#include "fork_storm.hpp"
#include "harness.hpp"

using Clock = std::chrono::steady_clock;

namespace {

using bench::cpu_usec;

constexpr uid_t kUser = 9000;

// A rules file of its own, removed at exit.
class RulesFile {
 public:
  RulesFile() {
    char name[] = "/tmp/fsched-bench-rules.XXXXXX";
    int fd = ::mkstemp(name);
    if (fd >= 0) ::close(fd);
    path_ = name;
  }
  ~RulesFile() { ::unlink(path_.c_str()); }
  void put(const std::string& text) const {
    std::FILE* f = std::fopen(path_.c_str(), "w");
    if (!f) return;
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::size_t members(const std::string& group) {
  const std::string text = it::read_file(group + "/tasks");
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

bool become_user() {
  return ::setresgid(kUser, kUser, kUser) == 0 && ::setresuid(kUser, kUser, kUser) == 0;
}

void run_storm(const char* name, bool setuid, int rate, int secs, int life_ms) {
  RulesFile rules;
  rules.put("uid>=9000 0/users\n");
  it::TestRoot root;
  it::Daemon d(root.path(), {"rules=" + rules.path()});
  d.start();
  it::wait_until([&] { return ::access(d.path("0/users").c_str(), F_OK) == 0; }, 5);
  const auto cpu0 = cpu_usec(d.pid());
  const auto t0 = Clock::now();
  const it::StormResult r = it::fork_storm(setuid, rate, secs, life_ms);
  const double wall = seconds_since(t0);
  const double cpu = 100.0 * static_cast<double>(cpu_usec(d.pid()) - cpu0) / (wall * 1e6);
  std::printf(
      "storm %-8s asked %d/s x %ds, kept %.0f/s, life %d ms: %zu children, %zu not placed; "
      "placed after "
      "p50 %.1f / p99 %.1f / max %.1f ms; daemon %.1f %% of a CPU\n",
      name, rate, secs, r.rate(), life_ms, r.children, r.not_placed, r.percentile(0.5),
      r.percentile(0.99), r.percentile(1.0), cpu);
  const std::string log = d.log();
  for (const char* what : {"safety net", "overrun", "rules: cannot", "warn", "error"})
    for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) {
      auto bol = log.rfind('\n', at);
      bol = bol == std::string::npos ? 0 : bol + 1;
      std::printf("  log: %s\n", log.substr(bol, log.find('\n', at) - bol).c_str());
      at = log.find('\n', at);
      if (at == std::string::npos) break;
    }
  std::fflush(stdout);
  d.stop();
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int rate = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int secs = argc > 3 ? std::atoi(argv[3]) : 5;
  const int life_ms = argc > 4 ? std::atoi(argv[4]) : 300;
  if (auto why = it::skip_reason(); !why.empty()) {
    std::printf("skip: %s\n", why.c_str());
    return 77;
  }
  const char* backend = std::getenv("FSCHED_TEST_BACKEND");
  std::printf("backend %s\n", backend && *backend ? backend : "auto");

  // N sleeping processes of uid 9000, in 0 when the daemon starts.
  std::vector<pid_t> sleepers;
  while (static_cast<int>(sleepers.size()) < n) {
    pid_t p = ::fork();
    if (p == 0) {
      if (!become_user()) ::_exit(1);
      ::pause();
      ::_exit(0);
    }
    if (p < 0) break;
    sleepers.push_back(p);
  }
  RulesFile rules;
  rules.put("uid>=9000 0/users\n");
  {
    it::TestRoot root;
    it::Daemon d(root.path(), {"rules=" + rules.path()});
    const auto t0 = Clock::now();
    d.start();
    const double mounted = seconds_since(t0);
    it::wait_until([&] { return members(d.path("0/users")) >= sleepers.size(); }, 120);
    const double placed = seconds_since(t0);
    std::printf(
        "start: %zu processes of uid 9000 placed in 0/users %.2f s after the start "
        "(mounted after %.2f s); in 0/users: %zu\n",
        sleepers.size(), placed, mounted, members(d.path("0/users")));
    rules.put("uid>=9000 0/other\n");
    const auto t1 = Clock::now();
    ::kill(d.pid(), SIGHUP);
    it::wait_until([&] { return members(d.path("0/other")) >= sleepers.size(); }, 120);
    std::printf("reload: moved to 0/other in %.2f s; in 0/other: %zu\n", seconds_since(t1),
                members(d.path("0/other")));
    // The daemon's own account of both.
    const std::string log = d.log();
    for (std::size_t at = log.find("rules ("); at != std::string::npos;
         at = log.find("rules (", at + 1))
      std::printf("  log: %s\n", log.substr(at, log.find('\n', at) - at).c_str());
    std::fflush(stdout);
    for (pid_t p : sleepers) ::kill(p, SIGKILL);
    for (pid_t p : sleepers) ::waitpid(p, nullptr, 0);
    it::wait_until([&] { return members(d.path("0/other")) == 0; }, 30);
    d.stop();
  }
  run_storm("setuid", true, rate, secs, life_ms);
  run_storm("inherit", false, rate, secs, life_ms);
  return 0;
}
