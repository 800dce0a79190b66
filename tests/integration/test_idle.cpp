// The daemon at rest (issue 13): nothing read per process while nobody
// reads `stats`; the first reader after a quiet spell gets a fresh, exact
// window; nice changes of group members still count.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <memory>
#include <sstream>
#include <thread>

#include "cli_run.hpp"
#include "harness.hpp"

using namespace it;

namespace {
constexpr double kTolerance = 3.0;  // percentage points

// read(2) calls the daemon made so far (/proc/<pid>/io, all its threads).
long daemon_reads(pid_t daemon) {
  std::istringstream in(read_file("/proc/" + s(daemon) + "/io"));
  std::string key;
  long value = 0;
  while (in >> key >> value)
    if (key == "syscr:") return value;
  return -1;
}

// Processes forked on the machine since boot (/proc/stat "processes").
long machine_forks() {
  std::istringstream in(read_file("/proc/stat"));
  std::string key;
  while (in >> key) {
    if (key == "processes") {
      long n = -1;
      in >> n;
      return n;
    }
    in.ignore(1 << 16, '\n');
  }
  return -1;
}

struct Sleepers {
  std::vector<pid_t> pids;
  explicit Sleepers(int n) {
    for (int i = 0; i < n; ++i) {
      pid_t p = ::fork();
      if (p == 0) {
        ::pause();
        ::_exit(0);
      }
      pids.push_back(p);
    }
  }
  ~Sleepers() {
    for (pid_t p : pids) ::kill(p, SIGKILL);
    for (pid_t p : pids) ::waitpid(p, nullptr, 0);
  }
};
}  // namespace

TEST_CASE("an idle daemon reads nothing per process, however many there are", "[idle]") {
  Sleepers extra(300);
  TestRoot root;
  Daemon d(root.path(), {"window_ms=200"});
  d.start();
  REQUIRE(wait_until([&] { return list(d.path("0")).size() >= 300; }, 10.0));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  long before = daemon_reads(d.pid());
  const long forks_before = machine_forks();
  REQUIRE(before >= 0);
  REQUIRE(forks_before >= 0);
  // Ten windows with nobody reading stats: the old sampler read 300 stat
  // files in each.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  long reads = daemon_reads(d.pid()) - before;
  // A process born meanwhile anywhere on the machine is read when it
  // comes and goes (stat and status at its fork, stat at its exit): those
  // reads are per event, not per process at rest.
  const long forks = machine_forks() - forks_before;
  WARN("read(2) calls in 10 idle windows with 300 extra processes: " << reads << " (" << forks
                                                                     << " forks on the machine)");
  CHECK(reads < 100 + 4 * forks);
}

TEST_CASE("the first stats read after a quiet spell waits for one window and is exact",
          "[idle][stats]") {
  TestRoot root;
  Hog hog;  // alone on CPU 0
  root.adopt(hog.pid());
  // Half-second windows: a lease of 5 s. (Shorter windows are noisy in the
  // VM, where the daemon and the emulator take their share of CPU 0.)
  Daemon d(root.path(), {"window_ms=500"});
  d.start();
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  REQUIRE(rename_errno(d.path("0/" + s(hog.pid())), d.path("0/g/" + s(hog.pid()))) == 0);
  for (int round = 0; round < 2; ++round) {
    double group = stat_number(read_file(d.path("0/g/stats")), "cpu_pct");
    double proc = stat_number(read_file(d.path("0/g/" + s(hog.pid()) + "/stats")), "cpu_pct");
    WARN("round " << round << ": group " << group << ", process " << proc);
    // A real window's share, not a zero for want of one: nearly all of
    // CPU 0 (less what else ran there: the daemon, a loaded host, the
    // emulator), and the same from the group's cgroup as from /proc.
    CHECK(group > 85.0);
    CHECK(proc > 85.0);
    CHECK(proc == Approx(group).margin(6.0));  // /proc counts in 10 ms ticks
    // Past the lease (ten windows) with no reader: the figures are
    // dropped, and the next read measures afresh.
    std::this_thread::sleep_for(std::chrono::milliseconds(5500));
  }
}

// Hog a in 0/g/sub, hog b in 0 and 0/g made: b then competes with sub.
struct NiceCase {
  TestRoot root;
  Hog a, b;
  std::unique_ptr<Daemon> d;
  NiceCase() {
    root.adopt({a.pid(), b.pid()});
    d = std::make_unique<Daemon>(root.path());
    d->start();
    REQUIRE(mkdir_errno(d->path("0/g")) == 0);
    REQUIRE(mkdir_errno(d->path("0/g/sub")) == 0);
    REQUIRE(write_file(d->path("0/g/sub/tasks"), s(a.pid())) == 0);
  }
  void renice_b() { REQUIRE(::setpriority(PRIO_PROCESS, static_cast<id_t>(b.pid()), 5) == 0); }
  void check(const char* what) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    auto sh = measure_shares({a.pid(), b.pid()}, 4.0);
    WARN("sub (weight 100) vs a process reniced to 5 " << what << ": " << sh[0] << " / " << sh[1]);
    CHECK(sh[0] == Approx(100.0 * 1024 / (1024 + 335)).margin(kTolerance));
  }
};

TEST_CASE("a group member's new nice level weighs within a window", "[idle][shares]") {
  NiceCase c;
  REQUIRE(write_file(c.d->path("0/g/tasks"), s(c.b.pid())) == 0);
  c.renice_b();
  c.check("in its group");
}

TEST_CASE("a process reniced while in 0 is weighed by its new level when it moves",
          "[idle][shares]") {
  NiceCase c;
  // Nobody polls a process in 0: the move must read the level itself.
  c.renice_b();
  REQUIRE(rename_errno(c.d->path("0/" + s(c.b.pid())), c.d->path("0/g/" + s(c.b.pid()))) == 0);
  c.check("before its move");
}
