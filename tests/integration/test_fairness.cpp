// entitled_pct beside cpu_pct: what the weights promised against what the
// scheduler gave, on the RFC's split and a nested one.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "harness.hpp"

using namespace it;

namespace {
double number(const std::string& path, const std::string& key) {
  return std::atof(stat_value(read_file(path), key).c_str());
}

// Reads every file twice a window apart, so both figures cover the same
// settled window.
struct Figures {
  double cpu = 0;
  double entitled = 0;
};
Figures figures(const std::string& stats) {
  return {number(stats, "cpu_pct"), number(stats, "entitled_pct")};
}
}  // namespace

TEST_CASE("entitled_pct: the RFC's 50/25/25, for processes and the group", "[fairness]") {
  TestRoot root;
  Hog a, b, c;
  root.adopt({a.pid(), b.pid(), c.pid()});
  Daemon d(root.path(), {"window_ms=1000"});
  d.start();
  REQUIRE(mkdir_errno(d.path("0/guest")) == 0);
  REQUIRE(write_file(d.path("0/guest/tasks"), s(b.pid())) == 0);
  REQUIRE(write_file(d.path("0/guest/tasks"), s(c.pid())) == 0);
  const std::string pa = d.path("0/" + s(a.pid()) + "/stats");
  const std::string pb = d.path("0/guest/" + s(b.pid()) + "/stats");
  const std::string pc = d.path("0/guest/" + s(c.pid()) + "/stats");
  read_file(pa);  // lease both tiers, then let a window pass settled
  read_file(d.path("0/guest/stats"));
  std::this_thread::sleep_for(std::chrono::milliseconds(3300));
  auto fa = figures(pa), fb = figures(pb), fc = figures(pc);
  auto fg = figures(d.path("0/guest/stats"));
  INFO("a " << fa.cpu << "/" << fa.entitled << " b " << fb.cpu << "/" << fb.entitled << " c "
            << fc.cpu << "/" << fc.entitled << " guest " << fg.cpu << "/" << fg.entitled);
  const double total = fa.entitled + fb.entitled + fc.entitled;
  CHECK(total > 90);
  CHECK(fa.entitled == Approx(total / 2).margin(3));
  CHECK(fb.entitled == Approx(total / 4).margin(3));
  CHECK(fc.entitled == Approx(total / 4).margin(3));
  CHECK(fg.entitled == Approx(fb.entitled + fc.entitled).margin(1));
  // The backend keeps the promise. Compared as parts of the hogs' total:
  // work on the other CPU adds to the time shared out (entitlement.hpp,
  // affinity), and so to every busy member's entitlement alike.
  const double used = fa.cpu + fb.cpu + fc.cpu;
  CHECK(100 * fa.cpu / used == Approx(100 * fa.entitled / total).margin(4));
  CHECK(100 * fb.cpu / used == Approx(100 * fb.entitled / total).margin(4));
}

TEST_CASE("entitled_pct: nested groups with weights", "[fairness]") {
  TestRoot root;
  Hog h0, ha, hb1, hb2;
  root.adopt({h0.pid(), ha.pid(), hb1.pid(), hb2.pid()});
  Daemon d(root.path());
  d.start();
  // 0: h0 and a (weight 300); a: ha and b; b: hb1 and hb2.
  // Ideal: h0 25, ha 37.5, hb1 and hb2 18.75.
  REQUIRE(mkdir_errno(d.path("0/a")) == 0);
  REQUIRE(mkdir_errno(d.path("0/a/b")) == 0);
  REQUIRE(write_file(d.path("0/a/cpu.weight"), "300") == 0);
  REQUIRE(write_file(d.path("0/a/tasks"), s(ha.pid())) == 0);
  REQUIRE(write_file(d.path("0/a/b/tasks"), s(hb1.pid())) == 0);
  REQUIRE(write_file(d.path("0/a/b/tasks"), s(hb2.pid())) == 0);
  const std::string p0 = d.path("0/" + s(h0.pid()) + "/stats");
  const std::string pa = d.path("0/a/" + s(ha.pid()) + "/stats");
  const std::string pb = d.path("0/a/b/" + s(hb1.pid()) + "/stats");
  read_file(p0);
  std::this_thread::sleep_for(std::chrono::milliseconds(3300));
  auto f0 = figures(p0), fa = figures(pa), fb = figures(pb);
  auto fgroup = figures(d.path("0/a/stats"));
  INFO("h0 " << f0.cpu << "/" << f0.entitled << " ha " << fa.cpu << "/" << fa.entitled << " hb1 "
             << fb.cpu << "/" << fb.entitled << " a " << fgroup.cpu << "/" << fgroup.entitled);
  const double total = fgroup.entitled + f0.entitled;
  CHECK(total > 90);
  CHECK(f0.entitled == Approx(total * 0.25).margin(3));
  CHECK(fa.entitled == Approx(total * 0.375).margin(3));
  CHECK(fb.entitled == Approx(total * 0.1875).margin(3));
  const double used = f0.cpu + fgroup.cpu;
  CHECK(100 * f0.cpu / used == Approx(100 * f0.entitled / total).margin(4));
  CHECK(100 * fb.cpu / used == Approx(100 * fb.entitled / total).margin(4));
}
