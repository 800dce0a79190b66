#include "fork_storm.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

namespace it {

namespace {
using Clock = std::chrono::steady_clock;
constexpr uid_t kUser = 9000;

bool become_user() {
  return ::setresgid(kUser, kUser, kUser) == 0 && ::setresuid(kUser, kUser, kUser) == 0;
}

// In a forked child: async-signal-safe calls only.
bool placed_now() {
  char buf[4096];
  int fd = ::open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  return std::strstr(buf, "fsched-users") != nullptr;
}

std::int64_t now_usec() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

[[noreturn]] void storm_child(int out, bool setuid, int life_ms, int wait_ms) {
  const std::int64_t born = now_usec();
  if (setuid && !become_user()) ::_exit(1);
  std::int32_t seen = -1;
  while (now_usec() - born < std::max(life_ms, wait_ms) * 1000LL) {
    if (placed_now()) {
      seen = static_cast<std::int32_t>(now_usec() - born);
      break;
    }
    ::usleep(10000);
  }
  // Then live out the rest: the storm's processes are short, not instant.
  while (now_usec() - born < life_ms * 1000LL) ::usleep(5000);
  [[maybe_unused]] auto w = ::write(out, &seen, sizeof seen);
  ::_exit(0);
}

// Forks `rate` children a second for `secs` seconds; returns how many.
int storm(int out, bool setuid, int rate, int secs, int life_ms, int wait_ms) {
  const auto step = std::chrono::nanoseconds(1000000000LL / rate);
  auto next = Clock::now();
  int n = 0;
  for (int i = 0; i < rate * secs; ++i) {
    std::this_thread::sleep_until(next);
    next += step;
    pid_t p = ::fork();
    if (p == 0) storm_child(out, setuid, life_ms, wait_ms);
    if (p > 0) ++n;
  }
  return n;
}

}  // namespace

double StormResult::percentile(double q) const {
  if (placed_after_ms.empty()) return -1;
  return placed_after_ms[static_cast<std::size_t>(q *
                                                  static_cast<double>(placed_after_ms.size() - 1))];
}

StormResult fork_storm(bool setuid, int rate, int secs, int life_ms, int wait_ms) {
  StormResult r;
  int fds[2];
  if (::pipe(fds) != 0) return r;
  // The results stay in the pipe until the storm ends: 4 bytes a child.
  ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  const auto t0 = Clock::now();
  pid_t parent = ::fork();
  if (parent == 0) {
    ::close(fds[0]);
    ::signal(SIGCHLD, SIG_IGN);  // children reaped by the kernel
    if (!setuid) {
      if (!become_user()) ::_exit(1);
      // Wait for our own placement, so children are born in the group.
      while (!placed_now()) ::usleep(1000);
    }
    storm(fds[1], setuid, rate, secs, life_ms, wait_ms);
    ::_exit(0);
  }
  ::close(fds[1]);
  // The parent ends with its last fork (the pipe holds what children
  // write meanwhile): the rate it kept, which fork's own cost may hold down.
  ::waitpid(parent, nullptr, 0);
  r.storm_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::int32_t v;
  // read() returns 0 once the parent and every child have closed the pipe.
  while (::read(fds[0], &v, sizeof v) == sizeof v) {
    ++r.children;
    if (v < 0)
      ++r.not_placed;
    else
      r.placed_after_ms.push_back(v / 1000.0);
  }
  ::close(fds[0]);
  std::sort(r.placed_after_ms.begin(), r.placed_after_ms.end());
  return r;
}

}  // namespace it
