// What the daemon costs while nothing happens, with N extra sleeping
// processes on the machine: its CPU time and RSS over a quiet stretch, then
// the same while one reader polls `stats` once a second (as `watch cat
// stats` does), which leases the measured tiers.
//
//   bench_idle [SECONDS] [N...]     (default: 10 s; 0 2000 10000)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "daemon_cpu.hpp"
#include "harness.hpp"

using Clock = std::chrono::steady_clock;

namespace {

using bench::cpu_usec;

std::string rss_kb(pid_t pid) {
  auto status = it::read_file("/proc/" + std::to_string(pid) + "/status");
  auto pos = status.find("VmRSS:");
  if (pos == std::string::npos) return "?";
  auto line = status.substr(pos + 6, status.find('\n', pos) - pos - 6);
  return line.substr(line.find_first_not_of(" \t"));
}

// The daemon's share of one CPU over `seconds`, while `during` runs.
template <class F>
double measure(pid_t daemon, int seconds, F during) {
  auto before = cpu_usec(daemon);
  auto t = Clock::now();
  during(t + std::chrono::seconds(seconds));
  double wall = std::chrono::duration<double>(Clock::now() - t).count();
  return 100.0 * static_cast<double>(cpu_usec(daemon) - before) / (wall * 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
  std::vector<int> counts;
  for (int i = 2; i < argc; ++i) counts.push_back(std::atoi(argv[i]));
  if (counts.empty()) counts = {0, 2000, 10000};
  if (auto why = it::skip_reason(); !why.empty()) {
    std::printf("skip: %s\n", why.c_str());
    return 77;
  }
  const char* backend = std::getenv("FSCHED_TEST_BACKEND");
  std::printf("backend %s, %d s each; CPU is %% of one CPU (fschedfs's threads, schedstat)\n",
              backend && *backend ? backend : "auto", seconds);
  std::printf("%8s %10s %10s %14s %14s %10s\n", "extra", "idle", "RSS", "groups read",
              "+ a pid read", "RSS");
  std::vector<pid_t> sleepers;
  for (int n : counts) {
    while (static_cast<int>(sleepers.size()) < n) {
      pid_t p = ::fork();
      if (p == 0) {
        ::pause();
        ::_exit(0);
      }
      if (p < 0) break;
      sleepers.push_back(p);
    }
    it::TestRoot root;
    it::Daemon d(root.path());
    d.start();
    it::wait_until(
        [&] { return it::list(d.path("0")).size() >= static_cast<std::size_t>(n); }, 60);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // startup settles
    pid_t dp = d.pid();
    double idle = measure(dp, seconds, [](Clock::time_point end) {
      std::this_thread::sleep_until(end);
    });
    std::string idle_rss = rss_kb(dp);
    std::string one_stats = d.path("0/" + std::to_string(::getpid()) + "/stats");
    auto poll = [&](bool pid_too) {
      return [&, pid_too](Clock::time_point end) {
        while (Clock::now() < end) {
          it::read_file(d.path("0/stats"));
          if (pid_too) it::read_file(one_stats);
          std::this_thread::sleep_for(std::chrono::seconds(1));
        }
      };
    };
    double groups = measure(dp, seconds, poll(false));
    std::this_thread::sleep_for(std::chrono::seconds(11));  // the lease runs out
    double procs = measure(dp, seconds, poll(true));
    std::printf("%8zu %9.4f%% %10s %13.4f%% %13.4f%% %10s\n", sleepers.size(), idle,
                idle_rss.c_str(), groups, procs, rss_kb(dp).c_str());
    std::fflush(stdout);
    d.stop();
  }
  for (pid_t p : sleepers) ::kill(p, SIGKILL);
  for (pid_t p : sleepers) ::waitpid(p, nullptr, 0);
  return 0;
}
