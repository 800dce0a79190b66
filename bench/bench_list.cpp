// Listing 0/ with N extra sleeping processes against listing /proc. (What
// the daemon costs while they sleep: bench_idle.)
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

  for (pid_t p : sleepers) ::kill(p, SIGKILL);
  for (pid_t p : sleepers) ::waitpid(p, nullptr, 0);
  return 0;
}
