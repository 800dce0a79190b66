// Listing 0/ with N extra sleeping processes against listing /proc, and the
// daemon's CPU while those processes just sleep.
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "percentiles.hpp"
#include "proc_stat.hpp"

using Clock = std::chrono::steady_clock;

static double list_us(const std::string& dir, std::size_t* count) {
  auto t = Clock::now();
  DIR* d = ::opendir(dir.c_str());
  std::size_t n = 0;
  while (::readdir(d)) ++n;
  ::closedir(d);
  *count = n;
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

static pid_t daemon_pid(const std::string& mnt) {
  for (const auto& e : it::list("/proc")) {
    if (e.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = it::read_file("/proc/" + e + "/cmdline");
    if (cmd.find("fschedfs") != std::string::npos && cmd.find(mnt) != std::string::npos)
      return std::stoi(e);
  }
  return -1;
}

int main(int argc, char** argv) {
  int extra = argc > 1 ? std::atoi(argv[1]) : 2000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 50;
  if (auto why = it::skip_reason(); !why.empty()) {
    std::printf("skip: %s\n", why.c_str());
    return 77;
  }
  it::TestRoot root;
  it::Daemon d(root.path());
  d.start();
  std::vector<pid_t> sleepers;
  for (int i = 0; i < extra; ++i) {
    pid_t p = ::fork();
    if (p == 0) {
      ::pause();
      ::_exit(0);
    }
    sleepers.push_back(p);
  }
  // Let the watcher see them all.
  it::wait_until([&] { return it::list(d.path("0")).size() >= static_cast<std::size_t>(extra); },
                 20);
  std::this_thread::sleep_for(std::chrono::seconds(2));

  std::vector<double> tree_us, proc_us;
  std::size_t tree_n = 0, proc_n = 0;
  for (int i = 0; i < rounds; ++i) {
    tree_us.push_back(list_us(d.path("0"), &tree_n));
    proc_us.push_back(list_us("/proc", &proc_n));
  }
  std::printf("entries: 0/ %zu, /proc %zu\n", tree_n, proc_n);
  std::printf("ls 0/     p50 %8.0f us  p99 %8.0f us\n", percentile(tree_us, 50),
              percentile(tree_us, 99));
  std::printf("ls /proc  p50 %8.0f us  p99 %8.0f us\n", percentile(proc_us, 50),
              percentile(proc_us, 99));
  std::printf("ratio     p50 %8.2f\n", percentile(tree_us, 50) / percentile(proc_us, 50));

  pid_t dp = daemon_pid(d.mnt());
  if (dp > 0) {
    auto cpu = [&] {
      auto st = fsched::read_proc_stat(dp);
      return st ? fsched::ticks_to_usec(st->utime_ticks + st->stime_ticks) : 0;
    };
    auto before = cpu();
    auto t = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(10));
    double wall = std::chrono::duration<double>(Clock::now() - t).count();
    std::printf(
        "daemon CPU while idle with %d extra processes: %.2f%% of one CPU (%.0f ms over %.0f s)\n",
        extra, 100.0 * static_cast<double>(cpu() - before) / (wall * 1e6),
        static_cast<double>(cpu() - before) / 1e3, wall);
    auto rss = it::read_file("/proc/" + std::to_string(dp) + "/status");
    auto pos = rss.find("VmRSS:");
    if (pos != std::string::npos)
      std::printf("daemon %s", rss.substr(pos, rss.find('\n', pos) - pos + 1).c_str());
  }
  for (pid_t p : sleepers) ::kill(p, SIGKILL);
  for (pid_t p : sleepers) ::waitpid(p, nullptr, 0);
  return 0;
}
