// The fair-share assignment machine-wide: its spawn.conf started outside
// any group, as a login would start it, and one placement rule. The rule
// alone turns 60/40 (five processes in 0) into 50/50 (two users).
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "cli_run.hpp"
#include "harness.hpp"

using namespace it;

namespace {
constexpr double kTolerance = 3.0;  // percentage points
constexpr double kWindow = 5.0;     // seconds

// The spawned piglets, from spawn's `spawn: PID uid UID PROGRAM` lines,
// once each runs as its user.
std::vector<pid_t> piglets_of(Command& spawn, std::size_t n) {
  std::vector<pid_t> pids;
  wait_until(
      [&] {
        pids.clear();
        std::istringstream in(spawn.poll_output());
        for (std::string line; std::getline(in, line);) {
          pid_t p = 0;
          if (std::sscanf(line.c_str(), "spawn: %d uid", &p) != 1) continue;
          auto status = read_file("/proc/" + std::to_string(p) + "/status");
          if (status.find("Uid:\t900") != std::string::npos) pids.push_back(p);
        }
        return pids.size() == n;
      },
      10.0);
  return pids;
}

std::map<uid_t, double> user_shares(const std::vector<pid_t>& pids) {
  std::vector<uid_t> uid;
  for (pid_t p : pids) {
    auto status = read_file("/proc/" + std::to_string(p) + "/status");
    auto at = status.find("Uid:");
    uid.push_back(at == std::string::npos ? 0 : std::atoi(status.c_str() + at + 4));
  }
  auto sh = measure_shares(pids, kWindow);
  std::map<uid_t, double> out;
  for (std::size_t i = 0; i < pids.size(); ++i) out[uid[i]] += sh[i];
  return out;
}
}  // namespace

TEST_CASE("spawn.conf outside any group: 60/40; with `uid>=9000 0/users` user-fair: 50/50",
          "[rules][fairness][shares]") {
  SKIP_UNLESS_CLI_READY();
  TempDir tmp;
  const std::string rules = tmp.path() + "/rules";
  REQUIRE(put_file(rules, "# the assignment, machine-wide\nuid>=9000 0/users\n"));

  SECTION("without the rules file: 60/40") {
    TestRoot root;
    Daemon d(root.path());
    d.start();
    auto spawn = start_spawn(d.mnt(), "");
    auto pids = piglets_of(*spawn, 5);
    REQUIRE(pids.size() == 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (pid_t p : pids) CHECK(::access((d.path("0/") + std::to_string(p)).c_str(), F_OK) == 0);
    auto sh = user_shares(pids);
    WARN("no rules: 9000 " << sh[9000] << " / 9001 " << sh[9001]);
    CHECK(sh[9000] == Approx(60).margin(kTolerance));
    CHECK(sh[9001] == Approx(40).margin(kTolerance));
  }
  SECTION("with the rules file and 0/users user-fair: 50/50") {
    TestRoot root;
    Daemon d(root.path(), {"rules=" + rules});
    d.start();
    // The rule's group exists from the start, so the admin sets its
    // policy before anyone logs in.
    REQUIRE(wait_until([&] { return ::access(d.path("0/users").c_str(), F_OK) == 0; }, 3.0));
    CHECK(read_file(d.path("0/users/scheduler")) == "fair\n");
    REQUIRE(write_file(d.path("0/users/scheduler"), "user-fair\n") == 0);
    auto spawn = start_spawn(d.mnt(), "");
    auto pids = piglets_of(*spawn, 5);
    REQUIRE(pids.size() == 5);
    // Each child became its user after the fork (a uid event): placed.
    REQUIRE(wait_until([&] { return tasks_of(d.path("0/users")).size() == 5; }, 5.0));
    for (pid_t p : pids) {
      const std::string cg = cpu_cgroup_of(p);
      INFO(cg);
      CHECK((cg.find("/user-9000/") != std::string::npos ||
             cg.find("/user-9001/") != std::string::npos));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto sh = user_shares(pids);
    WARN("uid>=9000 0/users, user-fair: 9000 " << sh[9000] << " / 9001 " << sh[9001]);
    CHECK(sh[9000] == Approx(50).margin(kTolerance));
    CHECK(sh[9001] == Approx(50).margin(kTolerance));
    // spawn itself (root) matched no rule: still in 0.
    CHECK(::access((d.path("0/") + std::to_string(spawn->pid())).c_str(), F_OK) == 0);
  }
}
