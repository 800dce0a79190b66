// What a move costs, against one FUSE round trip on the same mount and the
// raw cgroupfs move a user would do by hand, interleaved in one run:
//
//   lookup    stat(2) of a missing name in 0/: one FUSE round trip
//   mv        rename(2) of a pid directory into 0/g/ and back, for a
//             sleeping process and for a CPU hog
//   tasks     open+write+close of `PID` into 0/g/tasks and back into 0/tasks
//   raw       open+write+close of cgroup.procs between two plain cgroups
//
//   bench_move [ITERATIONS]     (default 2000; each iteration moves there and back)
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "harness.hpp"
#include "percentiles.hpp"

using Clock = std::chrono::steady_clock;

namespace {
double since_us(Clock::time_point t) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

struct Series {
  const char* name;
  std::vector<double> us = {};
};

template <class F>
bool timed(Series& s, F f) {
  auto t = Clock::now();
  bool ok = f();
  s.us.push_back(since_us(t));
  return ok;
}
}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 2000;
  if (auto why = it::skip_reason(); !why.empty()) {
    std::printf("skip: %s\n", why.c_str());
    return 77;
  }
  it::TestRoot root;
  it::Hog hog;
  root.adopt(hog.pid());
  pid_t sleeper = ::fork();
  if (sleeper == 0) {
    ::pause();
    ::_exit(0);
  }
  root.adopt(sleeper);
  it::Daemon d(root.path());
  d.start();
  const std::string hp = std::to_string(hog.pid()), sp = std::to_string(sleeper);
  if (it::mkdir_errno(d.path("0/g")) != 0) return 1;
  std::string raw = root.path() + "/raw";
  ::mkdir(raw.c_str(), 0755);

  Series lookup{"lookup (missing name)"}, mv_sleep{"mv, sleeping process"},
      mv_run{"mv, running process"}, tasks{"echo PID > tasks"},
      procs{"echo PID > cgroup.procs"};
  struct stat st;
  const std::string missing = d.path("0/no-such-name");
  for (int i = 0; i < iterations; ++i) {
    timed(lookup, [&] { return ::stat(missing.c_str(), &st) != 0; });
    for (auto [series, pid] : {std::pair{&mv_sleep, sp}, std::pair{&mv_run, hp}}) {
      if (!timed(*series, [&] { return it::rename_errno(d.path("0/" + pid), d.path("0/g/" + pid)) == 0; }))
        return 1;
      if (!timed(*series, [&] { return it::rename_errno(d.path("0/g/" + pid), d.path("0/" + pid)) == 0; }))
        return 1;
    }
    if (!timed(tasks, [&] { return it::write_file(d.path("0/g/tasks"), sp) == 0; })) return 1;
    if (!timed(tasks, [&] { return it::write_file(d.path("0/tasks"), sp) == 0; })) return 1;
    if (!timed(procs, [&] { return it::write_file(raw + "/cgroup.procs", sp) == 0; })) return 1;
    if (!timed(procs, [&] { return it::write_file(root.path() + "/cgroup.procs", sp) == 0; }))
      return 1;
  }
  double base = percentile(lookup.us, 50);
  std::printf("%zu lookups, %zu of each move\n", lookup.us.size(), mv_sleep.us.size());
  std::printf("%-26s %9s %9s %14s\n", "", "p50 us", "p99 us", "p50/lookup");
  for (const Series* s : {&lookup, &mv_sleep, &mv_run, &tasks, &procs})
    std::printf("%-26s %9.1f %9.1f %14.2f\n", s->name, percentile(s->us, 50),
                percentile(s->us, 99), percentile(s->us, 50) / base);
  ::rmdir(raw.c_str());
  ::kill(sleeper, SIGKILL);
  ::waitpid(sleeper, nullptr, 0);
  return 0;
}
