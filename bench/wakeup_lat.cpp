// Wakeup lateness: sleeps SLEEP_US at a time, ITERATIONS times, and prints
// how much later than asked each sleep ended ("late", µs) and, of that,
// how long the woken thread waited on a runqueue for a CPU ("wait", µs,
// from /proc/thread-self/schedstat): the part a scheduler decides. Run
// beside CPU hogs, it shows how long a woken task that is owed CPU waits.
//
//   wakeup_lat [ITERATIONS] [SLEEP_US]      (default: 1000 5000)
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "percentiles.hpp"

namespace {
// Time this thread has spent runnable but waiting for a CPU, in ns.
unsigned long long run_delay_ns() {
  unsigned long long run = 0, wait = 0;
  if (FILE* f = std::fopen("/proc/thread-self/schedstat", "r")) {
    if (std::fscanf(f, "%llu %llu", &run, &wait) != 2) wait = 0;
    std::fclose(f);
  }
  return wait;
}

double us_between(const timespec& a, const timespec& b) {
  return static_cast<double>(b.tv_sec - a.tv_sec) * 1e6 +
         static_cast<double>(b.tv_nsec - a.tv_nsec) / 1e3;
}
}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 1000;
  long sleep_us = argc > 2 ? std::atol(argv[2]) : 5000;
  std::vector<double> late, wait;
  late.reserve(static_cast<std::size_t>(n));
  wait.reserve(static_cast<std::size_t>(n));
  timespec req{sleep_us / 1000000, (sleep_us % 1000000) * 1000};
  for (int i = 0; i < n; ++i) {
    timespec a, b;
    unsigned long long w0 = run_delay_ns();
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_nanosleep(CLOCK_MONOTONIC, 0, &req, nullptr);
    clock_gettime(CLOCK_MONOTONIC, &b);
    unsigned long long w1 = run_delay_ns();
    late.push_back(us_between(a, b) - static_cast<double>(sleep_us));
    wait.push_back(static_cast<double>(w1 - w0) / 1e3);
  }
  std::printf("late p50 %.0f p99 %.0f max %.0f wait p50 %.0f p99 %.0f max %.0f\n",
              percentile(late, 50), percentile(late, 99), percentile(late, 100),
              percentile(wait, 50), percentile(wait, 99), percentile(wait, 100));
  return 0;
}
