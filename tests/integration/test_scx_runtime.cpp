// What only the scx backend's BPF side can get wrong: per-process CPU time
// that outlives its process (a recycled pid inherited it), and the kernel's
// complaints about how the scheduler is written. The VM runs these with
// FSCHED_TEST_BACKEND=scx; elsewhere they say why they do nothing.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace it;

namespace {
bool scx_under_test(const char* what) {
  const char* b = std::getenv("FSCHED_TEST_BACKEND");
  std::string backend = b ? b : "";
  if (backend == "scx") return true;
  WARN("not the scx backend (FSCHED_TEST_BACKEND=" << backend << "): " << what);
  return false;
}

// usage_usec of a stats file, or -1 while it cannot be read.
long long usage_usec(const std::string& stats_path) {
  auto v = stat_value(read_file(stats_path), "usage_usec");
  return v.empty() ? -1 : std::stoll(v);
}

// A sleeping process in a session of its own, killed and reaped with this.
class Sleeper {
 public:
  // Forks it so that it gets `want` as its pid: the kernel hands out
  // ns_last_pid + 1 next, unless another fork took it first (then again).
  static pid_t fork_as(pid_t want) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      if (write_file("/proc/sys/kernel/ns_last_pid", s(want - 1)) != 0) return -1;
      pid_t p = ::fork();
      if (p == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::setsid();
        for (;;) ::pause();
      }
      if (p == want || p < 0) return p;
      ::kill(p, SIGKILL);
      ::waitpid(p, nullptr, 0);
    }
    return -1;
  }
  explicit Sleeper(pid_t want) : pid_(fork_as(want)) {}
  ~Sleeper() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  Sleeper(const Sleeper&) = delete;
  Sleeper& operator=(const Sleeper&) = delete;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

// The kernel log's records from where a reader opened it on, one text a
// record ("level,seq,time,flags;text" minus the prefix).
class KernelLog {
 public:
  KernelLog() : fd_(::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)) {
    if (fd_ >= 0) ::lseek(fd_, 0, SEEK_END);
  }
  ~KernelLog() {
    if (fd_ >= 0) ::close(fd_);
  }
  KernelLog(const KernelLog&) = delete;
  KernelLog& operator=(const KernelLog&) = delete;
  bool open() const { return fd_ >= 0; }
  // Records logged since the last call.
  std::vector<std::string> read_new() {
    std::vector<std::string> out;
    char buf[8192];
    for (;;) {
      ssize_t n = ::read(fd_, buf, sizeof buf - 1);
      if (n < 0 && errno == EPIPE) continue;  // records overwritten: go on with the next
      if (n <= 0) break;
      std::string rec(buf, static_cast<std::size_t>(n));
      auto semi = rec.find(';');
      auto end = rec.find('\n');
      out.push_back(rec.substr(semi == std::string::npos ? 0 : semi + 1,
                               end == std::string::npos ? std::string::npos : end - semi - 1));
    }
    return out;
  }

 private:
  int fd_;
};
}  // namespace

TEST_CASE("scx: a recycled pid starts with none of the old process's CPU time", "[scx][bpf]") {
  if (!scx_under_test("no per-process runtime map to outlive a process")) return;
  TestRoot root;
  Daemon d(root.path());
  d.start();
  REQUIRE(sched_ext_state() == "enabled");
  REQUIRE(mkdir_errno(d.path("0/guest")) == 0);

  // A hog in a guest group runs long enough to be charged plenty.
  Hog hog;
  const pid_t pid = hog.pid();
  root.adopt(pid);
  REQUIRE(wait_until([&] { return exists(d.path("0/" + s(pid))); }, 5));
  REQUIRE(write_file(d.path("0/guest/tasks"), s(pid)) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const long long old_usage = usage_usec(d.path("0/guest/" + s(pid) + "/stats"));
  hog.kill();  // killed and reaped: the pid is free
  WARN("the hog " << pid << " used " << old_usage << " us in 1.5 s");
  REQUIRE(old_usage > 300'000);
  CHECK(wait_until([&] { return !exists(d.path("0/guest/" + s(pid))); }, 5));

  // The kernel gives the same pid to a process that only sleeps.
  Sleeper fresh(pid);
  REQUIRE(fresh.pid() == pid);
  root.adopt(pid);
  REQUIRE(wait_until([&] { return exists(d.path("0/" + s(pid))); }, 5));
  REQUIRE(write_file(d.path("0/guest/tasks"), s(pid)) == 0);
  const std::string stats = d.path("0/guest/" + s(pid) + "/stats");
  REQUIRE(wait_until([&] { return usage_usec(stats) >= 0; }, 5));
  const long long new_usage = usage_usec(stats);
  WARN("the sleeper that got pid " << pid << " shows " << new_usage << " us");
  CHECK(new_usage < old_usage / 10);
  CHECK(new_usage < 100'000);
}

TEST_CASE("scx: a process keeps its CPU time when one of its threads exits", "[scx][bpf]") {
  if (!scx_under_test("no per-process runtime map to reset")) return;
  TestRoot root;
  Daemon d(root.path());
  d.start();
  REQUIRE(sched_ext_state() == "enabled");
  REQUIRE(mkdir_errno(d.path("0/guest")) == 0);

  // A thread spins 1 s of CPU time and exits; then the main thread spins
  // 0.1 s (so the scheduler charges the process after the exit) and says
  // so through a pipe.
  int done[2];
  REQUIRE(::pipe(done) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::setsid();
    auto spin = [](double cpu_seconds) {
      auto now = [] {
        timespec ts;
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
      };
      for (double end = now() + cpu_seconds; now() < end;) {
      }
    };
    std::thread([&] { spin(1.0); }).join();
    spin(0.1);
    [[maybe_unused]] auto n = ::write(done[1], "x", 1);
    for (;;) ::pause();
  }
  ::close(done[1]);
  root.adopt(pid);
  REQUIRE(wait_until([&] { return exists(d.path("0/" + s(pid))); }, 5));
  REQUIRE(write_file(d.path("0/guest/tasks"), s(pid)) == 0);
  char c;
  bool finished = ::read(done[0], &c, 1) == 1;  // EOF if the child died
  ::close(done[0]);
  const long long usage = usage_usec(d.path("0/guest/" + s(pid) + "/stats"));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  REQUIRE(finished);
  WARN("after its 1 s thread exited, process " << pid << " shows " << usage << " us");
  CHECK(usage >= 900'000);
}

TEST_CASE("scx: loading the scheduler makes the kernel log no deprecation warning", "[scx][bpf]") {
  if (!scx_under_test("no BPF scheduler is loaded")) return;
  // The kernel rate-limits the warning (10 lines in 5 s, "callbacks
  // suppressed" after): a load within 5 s of the previous test's would
  // warn unseen.
  std::this_thread::sleep_for(std::chrono::milliseconds(5500));
  KernelLog kmsg;  // from here on: what this load makes the kernel say
  REQUIRE(kmsg.open());
  TestRoot root;
  Daemon d(root.path());
  d.start();
  REQUIRE(sched_ext_state() == "enabled");
  // The verifier warns while it loads the programs, before sched_ext says
  // the scheduler is enabled; wait for that line so nothing is missed.
  std::vector<std::string> lines;
  bool enabled_seen = wait_until(
      [&] {
        for (auto& l : kmsg.read_new()) lines.push_back(std::move(l));
        for (const auto& l : lines)
          if (l.find("\"fsched\" enabled") != std::string::npos) return true;
        return false;
      },
      5);
  if (!enabled_seen) WARN("the kernel log never said the scheduler was enabled");
  std::string complaints;
  for (const auto& l : lines) {
    bool about_scx = l.find("scx") != std::string::npos || l.find("sched_ext") != std::string::npos;
    if (about_scx && (l.find("deprecated") != std::string::npos ||
                      l.find("bpf_scx_btf_struct_access") != std::string::npos))
      complaints += l + "\n";
  }
  CHECK(complaints == "");
}
