// Caps (the spec's "Caps"): cpu.max and cpus measured on the real kernel,
// their errnos, and that they outlive a restart and a move.
#include <sched.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "harness.hpp"
#include "harness_shares.hpp"

using namespace it;

namespace {
constexpr double kTolerance = 3.0;  // percentage points of one CPU
constexpr double kWindow = 5.0;     // seconds

void settle() {
  std::this_thread::sleep_for(std::chrono::seconds(1));
}

std::string allowed_cpus(pid_t pid) {
  std::ifstream in("/proc/" + s(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("Cpus_allowed_list:", 0) == 0)
      return line.substr(line.find_first_not_of(" \t", 18));
  return "?";
}

bool near(double v, double want, double margin) {
  return std::abs(v - want) <= margin;
}

void move(const Daemon& d, pid_t pid, const std::string& group) {
  REQUIRE(write_file(d.path(group + "/tasks"), s(pid)) == 0);
}
}  // namespace

TEST_CASE("cpu.max caps a group of two hogs at 25 %, max lifts it", "[caps][shares]") {
  MountedTree t;
  Hog a, b;
  REQUIRE(mkdir_errno(t.m + "0/g") == 0);
  move(t.d, a.pid(), "0/g");
  move(t.d, b.pid(), "0/g");
  CHECK(read_file(t.m + "0/g/cpu.max") == "max 100000\n");
  REQUIRE(write_file(t.m + "0/g/cpu.max", "25000 100000\n") == 0);
  CHECK(read_file(t.m + "0/g/cpu.max") == "25000 100000\n");
  settle();
  auto pct = cpu_pct_over({a.pid(), b.pid()}, kWindow);
  WARN("capped at 25000/100000: " << pct[0] << " + " << pct[1]);
  CHECK(pct[0] + pct[1] == Approx(25).margin(kTolerance));
  CHECK(pct[0] == Approx(12.5).margin(kTolerance));
  CHECK(pct[1] == Approx(12.5).margin(kTolerance));
  auto stats = read_file(t.m + "0/g/stats");
  CHECK(std::stoull(stat_value(stats, "nr_periods")) >= 40);
  CHECK(std::stoull(stat_value(stats, "nr_throttled")) >= 30);
  CHECK(std::stoull(stat_value(stats, "throttled_usec")) > 1'000'000);

  REQUIRE(write_file(t.m + "0/g/cpu.max", "max\n") == 0);
  CHECK(read_file(t.m + "0/g/cpu.max") == "max 100000\n");
  CHECK(read_file(t.m + "0/g/stats").find("nr_throttled") == std::string::npos);
  settle();
  pct = cpu_pct_over({a.pid(), b.pid()}, kWindow);
  WARN("uncapped: " << pct[0] + pct[1]);
  CHECK(pct[0] + pct[1] == Approx(100).margin(kTolerance));
}

TEST_CASE("a capped heavy group never passes its cap; its sibling gets the rest",
          "[caps][shares]") {
  MountedTree t;
  Hog a, b, c, d;
  REQUIRE(mkdir_errno(t.m + "0/heavy") == 0);
  REQUIRE(mkdir_errno(t.m + "0/light") == 0);
  REQUIRE(write_file(t.m + "0/heavy/cpu.weight", "10000") == 0);
  REQUIRE(write_file(t.m + "0/light/cpu.weight", "100") == 0);
  REQUIRE(write_file(t.m + "0/heavy/cpu.max", "50000 100000") == 0);
  move(t.d, a.pid(), "0/heavy");
  move(t.d, b.pid(), "0/heavy");
  move(t.d, c.pid(), "0/light");
  move(t.d, d.pid(), "0/light");
  settle();
  auto pct = cpu_pct_over({a.pid(), b.pid(), c.pid(), d.pid()}, kWindow);
  WARN("heavy capped at 50 %: " << pct[0] + pct[1] << ", light: " << pct[2] + pct[3]);
  CHECK(pct[0] + pct[1] <= 50 + kTolerance);
  CHECK(pct[0] + pct[1] == Approx(50).margin(kTolerance));
  CHECK(pct[2] + pct[3] == Approx(50).margin(kTolerance));
}

TEST_CASE("cpus confines a group to CPU 0 while a hog in 0 runs on CPU 1", "[caps][shares]") {
  if (::sysconf(_SC_NPROCESSORS_ONLN) < 2) {
    WARN("skipped: one CPU online, nothing to confine a group away from");
    return;
  }
  MountedTree t;
  Hog a(0, false), b(0, false), c(0, false);
  REQUIRE(mkdir_errno(t.m + "0/g") == 0);
  move(t.d, a.pid(), "0/g");
  move(t.d, b.pid(), "0/g");
  REQUIRE(write_file(t.m + "0/g/cpus", "0\n") == 0);
  CHECK(read_file(t.m + "0/g/cpus") == "0\n");
  CHECK(allowed_cpus(a.pid()) == "0");
  CHECK(allowed_cpus(b.pid()) == "0");
  settle();
  // Unpinned, the free hog shares CPU 1 with whatever else the machine runs.
  auto pct = cpu_pct_settled({a.pid(), b.pid(), c.pid()}, kWindow, [&](const auto& p) {
    return near(p[0], 50, 2 * kTolerance) && near(p[1], 50, 2 * kTolerance) &&
           near(p[2], 100, 2 * kTolerance);
  });
  WARN("confined to CPU 0: " << pct[0] << " " << pct[1] << ", free hog in 0: " << pct[2]);
  CHECK(pct[0] + pct[1] <= 100 + kTolerance);
  CHECK(pct[0] == Approx(50).margin(2 * kTolerance));
  CHECK(pct[1] == Approx(50).margin(2 * kTolerance));
  CHECK(pct[2] == Approx(100).margin(2 * kTolerance));

  // Back to both CPUs, with the machine to themselves: they spread.
  c.kill();
  REQUIRE(write_file(t.m + "0/g/cpus", "0-1\n") == 0);
  CHECK(allowed_cpus(a.pid()).rfind("0-1", 0) == 0);
  settle();
  pct = cpu_pct_settled({a.pid(), b.pid()}, kWindow,
                        [&](const auto& p) { return near(p[0] + p[1], 200, 4 * kTolerance); });
  WARN("spread again: " << pct[0] << " " << pct[1]);
  CHECK(pct[0] + pct[1] == Approx(200).margin(4 * kTolerance));
}

// A cap bounds the whole subtree, as cgroup v2's does: the children's own
// caps can only tighten it. The kernel enforces a parent's cap on its
// children's tasks less evenly than a group's own: measured without
// fschedfs on 7.2.13 under QEMU (cgroup v2), 5 s windows of a parent at
// 30 % over an uncapped child ran from 24 to 36 % (mean 29.8), a flat cap
// 29.6 to 30.4. So the windows there are longer, and a miss is measured
// again.
TEST_CASE("a parent's cap holds over its children", "[caps][shares]") {
  MountedTree t;
  Hog a, b;
  const double window = std::getenv("FSCHED_TEST_SLOW") ? 2 * kWindow : kWindow;
  auto sums_to = [](double want) {
    return [want](const std::vector<double>& p) { return near(p[0] + p[1], want, kTolerance); };
  };
  REQUIRE(mkdir_errno(t.m + "0/p") == 0);
  REQUIRE(mkdir_errno(t.m + "0/p/q") == 0);
  REQUIRE(write_file(t.m + "0/p/cpu.max", "30000 100000") == 0);
  move(t.d, a.pid(), "0/p/q");
  move(t.d, b.pid(), "0/p/q");
  settle();
  auto pct = cpu_pct_settled({a.pid(), b.pid()}, window, sums_to(30));
  WARN("p capped at 30 %, q uncapped: " << pct[0] + pct[1]);
  CHECK(pct[0] + pct[1] == Approx(30).margin(kTolerance));

  REQUIRE(write_file(t.m + "0/p/q/cpu.max", "10000 100000") == 0);
  settle();
  pct = cpu_pct_settled({a.pid(), b.pid()}, window, sums_to(10));
  WARN("q's own cap at 10 % under p's 30 %: " << pct[0] + pct[1]);
  CHECK(pct[0] + pct[1] == Approx(10).margin(kTolerance));

  // A looser child cap: cgroup v1's kernel refuses it (its rule, kept and
  // documented); v2 and scx take it and p's cap still bounds q.
  const int looser = write_file(t.m + "0/p/q/cpu.max", "50000 100000");
  if (looser == EINVAL) {
    CHECK(exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
    CHECK(read_file(t.m + "0/p/q/cpu.max") == "10000 100000\n");
  } else {
    CHECK(looser == 0);
    CHECK(read_file(t.m + "0/p/q/cpu.max") == "50000 100000\n");
    settle();
    pct = cpu_pct_settled({a.pid(), b.pid()}, window, sums_to(30));
    WARN("q at a looser 50 % under p's 30 %: " << pct[0] + pct[1]);
    CHECK(pct[0] + pct[1] == Approx(30).margin(kTolerance));
  }
}

// Weights compare groups that compete for the same CPUs. Two groups kept
// apart by `cpus` each own their CPU whatever their weights: a scheduler
// that ranks groups on one global clock would starve the light one.
TEST_CASE("groups confined to different CPUs each keep their CPU, whatever their weights",
          "[caps][shares]") {
  if (::sysconf(_SC_NPROCESSORS_ONLN) < 2) {
    WARN("skipped: one CPU online, no two CPUs to keep groups apart on");
    return;
  }
  MountedTree t;
  Hog a(0, false), b(0, false), c(0, false);
  REQUIRE(mkdir_errno(t.m + "0/left") == 0);
  REQUIRE(mkdir_errno(t.m + "0/right") == 0);
  REQUIRE(write_file(t.m + "0/left/cpu.weight", "1000") == 0);
  REQUIRE(write_file(t.m + "0/right/cpu.weight", "10") == 0);
  REQUIRE(write_file(t.m + "0/left/cpus", "0") == 0);
  REQUIRE(write_file(t.m + "0/right/cpus", "1") == 0);
  move(t.d, a.pid(), "0/left");
  move(t.d, b.pid(), "0/left");
  move(t.d, c.pid(), "0/right");
  CHECK(allowed_cpus(a.pid()) == "0");
  CHECK(allowed_cpus(c.pid()) == "1");
  settle();
  auto pct = cpu_pct_settled({a.pid(), b.pid(), c.pid()}, kWindow, [&](const auto& p) {
    return near(p[0], 50, 2 * kTolerance) && near(p[1], 50, 2 * kTolerance) &&
           near(p[2], 100, 2 * kTolerance);
  });
  WARN("left (weight 1000, CPU 0): " << pct[0] << " " << pct[1]
                                     << ", right (weight 10, CPU 1): " << pct[2]);
  CHECK(pct[0] == Approx(50).margin(2 * kTolerance));
  CHECK(pct[1] == Approx(50).margin(2 * kTolerance));
  CHECK(pct[2] == Approx(100).margin(2 * kTolerance));
}

TEST_CASE("caps: errnos, contents, permissions as cpu.weight", "[caps]") {
  MountedTree t;
  const long ncpu = ::sysconf(_SC_NPROCESSORS_ONLN);
  const std::string all = ncpu > 1 ? "0-" + s(ncpu - 1) : "0";
  CHECK_FALSE(exists(t.m + "0/cpu.max"));
  CHECK_FALSE(exists(t.m + "0/cpus"));
  REQUIRE(mkdir_errno(t.m + "0/g") == 0);
  REQUIRE(mkdir_errno(t.m + "0/g/sub") == 0);
  CHECK(read_file(t.m + "0/g/cpus") == all + "\n");
  for (const char* bad : {"abc", "25000 100000 5", "-1 100000", "max max", "\n"})
    CHECK(write_file(t.m + "0/g/cpu.max", bad) == EINVAL);
  CHECK(write_file(t.m + "0/g/cpu.max", "999 100000") == ERANGE);
  CHECK(write_file(t.m + "0/g/cpu.max", "5000 999") == ERANGE);
  CHECK(write_file(t.m + "0/g/cpu.max", "5000 1000001") == ERANGE);
  CHECK(read_file(t.m + "0/g/cpu.max") == "max 100000\n");
  REQUIRE(write_file(t.m + "0/g/cpu.max", "max 50000") == 0);
  REQUIRE(write_file(t.m + "0/g/cpu.max", "20000") == 0);
  CHECK(read_file(t.m + "0/g/cpu.max") == "20000 50000\n");

  for (const char* bad : {"x", "1-", "3-1", "0,,1"})
    CHECK(write_file(t.m + "0/g/cpus", bad) == EINVAL);
  CHECK(write_file(t.m + "0/g/cpus", s(ncpu)) == EINVAL);  // offline
  CHECK(read_file(t.m + "0/g/cpus") == all + "\n");
  if (ncpu > 1) {
    REQUIRE(write_file(t.m + "0/g/cpus", "0") == 0);
    CHECK(write_file(t.m + "0/g/sub/cpus", "1") == EINVAL);  // not in the parent's
    CHECK(read_file(t.m + "0/g/sub/cpus") == "0\n");
    REQUIRE(write_file(t.m + "0/g/cpus", "\n") == 0);
    CHECK(read_file(t.m + "0/g/cpus") == all + "\n");
  }

  // Who splits the parent's CPU sets the caps: root here, alice in her own.
  const uid_t alice = 9000;
  CHECK(as_user(alice, [&] { return write_file(t.m + "0/g/cpu.max", "max"); }) == EACCES);
  CHECK(as_user(alice, [&] { return write_file(t.m + "0/g/cpus", "0"); }) == EACCES);
  REQUIRE(chown_errno(t.m + "0/g", alice, alice) == 0);
  CHECK(as_user(alice, [&] { return write_file(t.m + "0/g/sub/cpu.max", "30000 100000"); }) == 0);
  CHECK(as_user(alice, [&] { return write_file(t.m + "0/g/sub/cpus", "0"); }) == 0);
  CHECK(read_file(t.m + "0/g/sub/cpu.max") == "30000 100000\n");
}

TEST_CASE("caps outlive a restart and a move to another parent", "[caps]") {
  TestRoot root;
  Hog a;
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/a")) == 0);
  REQUIRE(mkdir_errno(d.path("0/b")) == 0);
  REQUIRE(write_file(d.path("0/b/cpu.max"), "30000 60000") == 0);
  move(d, a.pid(), "0/b");
  const bool two = ::sysconf(_SC_NPROCESSORS_ONLN) > 1;
  if (two) {
    REQUIRE(write_file(d.path("0/a/cpus"), "0") == 0);
    REQUIRE(write_file(d.path("0/b/cpus"), "1") == 0);
  }
  REQUIRE(d.stop() == 0);
  d.start();
  CHECK(read_file(d.path("0/b/cpu.max")) == "30000 60000\n");
  if (two) CHECK(read_file(d.path("0/b/cpus")) == "1\n");
  // Re-parented under a: the cap goes along, the CPUs narrow to a's.
  REQUIRE(rename_errno(d.path("0/b"), d.path("0/a/b")) == 0);
  CHECK(read_file(d.path("0/a/b/cpu.max")) == "30000 60000\n");
  if (two) {
    CHECK(read_file(d.path("0/a/b/cpus")) == "0\n");
    CHECK(wait_until([&] { return allowed_cpus(a.pid()) == "0"; }, 2));
  }
  auto stats = read_file(d.path("0/a/b/stats"));
  CHECK(stat_value(stats, "nr_periods") != "");
}
