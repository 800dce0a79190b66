// Measured CPU shares on the real kernel, all hogs pinned to CPU 0.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "harness.hpp"

using namespace it;

namespace {
constexpr double kTolerance = 3.0;  // percentage points
constexpr double kWindow = 5.0;     // seconds

void settle() {
  std::this_thread::sleep_for(std::chrono::seconds(1));
}
}  // namespace

TEST_CASE("the RFC's example: one hog in 0, two in 0/guest -> 50/25/25", "[shares]") {
  TestRoot root;
  Hog a, b, c;
  root.adopt({a.pid(), b.pid(), c.pid()});
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/guest")) == 0);
  REQUIRE(rename_errno(d.path("0/" + s(b.pid())), d.path("0/guest/" + s(b.pid()))) == 0);
  REQUIRE(rename_errno(d.path("0/" + s(c.pid())), d.path("0/guest/" + s(c.pid()))) == 0);
  settle();
  auto sh = measure_shares({a.pid(), b.pid(), c.pid()}, kWindow);
  WARN("50/25/25 measured: " << sh[0] << " / " << sh[1] << " / " << sh[2]);
  CHECK(sh[0] == Approx(50).margin(kTolerance));
  CHECK(sh[1] == Approx(25).margin(kTolerance));
  CHECK(sh[2] == Approx(25).margin(kTolerance));
}

TEST_CASE("nested groups with unequal weights at two levels", "[shares]") {
  // 0: hog A, g1 (weight 200), g2 (weight 100)   -> 1 : 2 : 1
  // g1: hog B, sub (weight 50)                    -> 100 : 50
  // sub: hogs C, D; g2: hog E
  // Ideal: A 25, B 50*2/3, C = D = 50/3/2, E 25.
  TestRoot root;
  Hog a, b, c, dd, e;
  root.adopt({a.pid(), b.pid(), c.pid(), dd.pid(), e.pid()});
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/g1")) == 0);
  REQUIRE(mkdir_errno(d.path("0/g1/sub")) == 0);
  REQUIRE(mkdir_errno(d.path("0/g2")) == 0);
  REQUIRE(write_file(d.path("0/g1/cpu.weight"), "200\n") == 0);
  REQUIRE(write_file(d.path("0/g1/sub/cpu.weight"), "50\n") == 0);
  REQUIRE(write_file(d.path("0/g1/tasks"), s(b.pid())) == 0);
  REQUIRE(write_file(d.path("0/g1/sub/tasks"), s(c.pid())) == 0);
  REQUIRE(write_file(d.path("0/g1/sub/tasks"), s(dd.pid())) == 0);
  REQUIRE(write_file(d.path("0/g2/tasks"), s(e.pid())) == 0);
  settle();
  auto sh = measure_shares({a.pid(), b.pid(), c.pid(), dd.pid(), e.pid()}, 6.0);
  const double ideal[] = {25.0, 100.0 / 3, 50.0 / 6, 50.0 / 6, 25.0};
  WARN("nested measured: " << sh[0] << " " << sh[1] << " " << sh[2] << " " << sh[3] << " "
                           << sh[4]);
  for (int i = 0; i < 5; ++i)
    CHECK(sh[static_cast<std::size_t>(i)] == Approx(ideal[i]).margin(kTolerance));
}

TEST_CASE_METHOD(TwoHogsMounted, "a weight change takes effect at once", "[shares]") {
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  REQUIRE(write_file(d.path("0/g/tasks"), s(b.pid())) == 0);
  REQUIRE(write_file(d.path("0/g/cpu.weight"), "300") == 0);
  settle();
  auto sh = measure_shares({a.pid(), b.pid()}, 4.0);
  WARN("weight 300 vs a process: " << sh[0] << " / " << sh[1]);
  CHECK(sh[0] == Approx(25).margin(kTolerance));
  CHECK(sh[1] == Approx(75).margin(kTolerance));
  REQUIRE(write_file(d.path("0/g/cpu.weight"), "100") == 0);
  settle();
  sh = measure_shares({a.pid(), b.pid()}, 4.0);
  WARN("weight 100 vs a process: " << sh[0] << " / " << sh[1]);
  CHECK(sh[0] == Approx(50).margin(kTolerance));
  CHECK(sh[1] == Approx(50).margin(kTolerance));
}

TEST_CASE("a process weighs as its nice level does", "[shares]") {
  TestRoot root;
  Hog a;
  Hog b(5);  // nice 5: 335 against 1024
  root.adopt({a.pid(), b.pid()});
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  REQUIRE(mkdir_errno(d.path("0/g/sub")) == 0);
  REQUIRE(write_file(d.path("0/g/tasks"), s(b.pid())) == 0);
  REQUIRE(write_file(d.path("0/g/sub/tasks"), s(a.pid())) == 0);
  settle();
  auto sh = measure_shares({a.pid(), b.pid()}, 4.0);
  WARN("sub (weight 100) vs a nice-5 process: " << sh[0] << " / " << sh[1]);
  CHECK(sh[0] == Approx(100.0 * 1024 / (1024 + 335)).margin(kTolerance));
}

TEST_CASE_METHOD(TwoHogsMounted,
                 "the idle policy runs a group only when nothing else wants the CPU", "[shares]") {
  REQUIRE(mkdir_errno(d.path("0/background")) == 0);
  REQUIRE(write_file(d.path("0/background/scheduler"), "idle\n") == 0);
  CHECK(read_file(d.path("0/background/scheduler")) == "idle\n");
  REQUIRE(write_file(d.path("0/background/tasks"), s(b.pid())) == 0);
  settle();
  auto sh = measure_shares({a.pid(), b.pid()}, 4.0);
  WARN("busy vs idle group: " << sh[0] << " / " << sh[1]);
  CHECK(sh[1] < 3.0);
  // Alone, the idle group gets the whole CPU.
  a.kill();
  settle();
  auto before = cpu_usec(b.pid());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  double pct = static_cast<double>(cpu_usec(b.pid()) - before) / 2e6 * 100;
  WARN("idle group alone: " << pct << "% of a CPU");
  CHECK(pct > 90.0);
  // A weight set while idle is kept, and applies once the group is fair
  // again: 300 against a new hog in 0 (weight 100) is 75 / 25.
  REQUIRE(write_file(d.path("0/background/cpu.weight"), "300") == 0);
  REQUIRE(write_file(d.path("0/background/scheduler"), "fair") == 0);
  CHECK(read_file(d.path("0/background/scheduler")) == "fair\n");
  CHECK(read_file(d.path("0/background/cpu.weight")) == "300\n");
  Hog c;
  root.adopt(c.pid());
  settle();
  sh = measure_shares({b.pid(), c.pid()}, 4.0);
  WARN("fair again, weight 300 set while idle, vs a process: " << sh[0] << " / " << sh[1]);
  CHECK(sh[0] == Approx(75).margin(kTolerance));
  CHECK(sh[1] == Approx(25).margin(kTolerance));
}
