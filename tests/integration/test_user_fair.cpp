// user-fair, usernice and the fsched command, against the real kernel:
// the fair-share assignment's experiments, run with its own tools.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "cli_run.hpp"
#include "harness.hpp"

using namespace it;

namespace {
constexpr double kTolerance = 3.0;  // percentage points
constexpr double kWindow = 5.0;     // seconds

// Each uid's part of what the processes used, from measure_shares.
std::map<double, double> user_shares(const std::string& group, const std::vector<pid_t>& pids,
                                     double seconds) {
  std::vector<double> uid;
  for (pid_t p : pids)
    uid.push_back(stat_number(read_file(group + "/" + std::to_string(p) + "/stats"), "uid"));
  auto sh = measure_shares(pids, seconds);
  std::map<double, double> out;
  for (std::size_t i = 0; i < pids.size(); ++i) out[uid[i]] += sh[i];
  return out;
}

}  // namespace

TEST_CASE("3 piglets of 9000 and 2 of 9001: fair 60/40, user-fair 50/50, usernice -5 75/25",
          "[user-fair][shares]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  const std::string fs = t.m + "0/fs";
  REQUIRE(mkdir_errno(fs) == 0);
  // No CONF: the assignment's spawn.conf beside fsched, its piglets beside it.
  auto spawn = start_spawn(t.d.mnt(), "0/fs");
  auto pids = wait_spawned(fs, 5);
  REQUIRE(pids.size() == 5);
  INFO(spawn->poll_output());

  auto fair = user_shares(fs, pids, kWindow);
  WARN("fair measured: 9000 " << fair[9000] << " / 9001 " << fair[9001]);
  CHECK(fair[9000] == Approx(60).margin(kTolerance));
  CHECK(fair[9001] == Approx(40).margin(kTolerance));

  REQUIRE(write_file(fs + "/scheduler", "user-fair\n") == 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto uf = user_shares(fs, pids, kWindow);
  WARN("user-fair measured: 9000 " << uf[9000] << " / 9001 " << uf[9001]);
  CHECK(uf[9000] == Approx(50).margin(kTolerance));
  CHECK(uf[9001] == Approx(50).margin(kTolerance));

  std::string out;
  REQUIRE(run({cli_dir() + "/fsched", "usernice", "-5", "9000", "--mount", t.d.mnt()}, &out) == 0);
  CHECK(read_file(t.m + "usernice") == "9000 -5\n");
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto un = user_shares(fs, pids, kWindow);
  // nice -5 weighs 3121 against nice 0's 1024.
  const double expect = 100.0 * 3121 / (3121 + 1024);
  WARN("usernice -5 measured: 9000 " << un[9000] << " / 9001 " << un[9001] << " (ideal " << expect
                                     << ")");
  CHECK(un[9000] == Approx(expect).margin(kTolerance));
  CHECK(un[9001] == Approx(100 - expect).margin(kTolerance));

  // Back to fair: members stay, the users' directories go.
  REQUIRE(write_file(fs + "/scheduler", "fair\n") == 0);
  CHECK(tasks_of(fs).size() == 5);
  for (pid_t p : pids) CHECK(cpu_cgroup_of(p).find("/user-") == std::string::npos);
  REQUIRE(run({cli_dir() + "/fsched", "usernice", "0", "9000", "--mount", t.d.mnt()}, &out) == 0);
  CHECK(read_file(t.m + "usernice").empty());
}

TEST_CASE("a setuid process in a user-fair group is re-placed under its new owner", "[user-fair]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  const std::string fs = t.m + "0/fs";
  REQUIRE(mkdir_errno(fs) == 0);
  REQUIRE(write_file(fs + "/scheduler", "user-fair") == 0);
  UserProcess p(0);
  REQUIRE(write_file(fs + "/tasks", std::to_string(p.pid())) == 0);
  CHECK(cpu_cgroup_of(p.pid()).find("/user-0/") != std::string::npos);
  // A root process that joins, then becomes 9002, as spawn's children do.
  pid_t child = ::fork();
  if (child == 0) {
    const std::string me = std::to_string(::getpid());
    if (write_file(fs + "/tasks", me) != 0) ::_exit(1);
    ::usleep(300000);
    if (::setresgid(9002, 9002, 9002) != 0 || ::setresuid(9002, 9002, 9002) != 0) ::_exit(2);
    ::sleep(30);
    ::_exit(0);
  }
  REQUIRE(child > 0);
  struct Reap {
    pid_t pid;
    ~Reap() {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } reap{child};
  REQUIRE(
      wait_until([&] { return cpu_cgroup_of(child).find("/user-0/") != std::string::npos; }, 2.0));
  // From the moment /proc shows the new uid to the moment the cgroup does.
  auto uid_now = [&] {
    auto text = read_file("/proc/" + std::to_string(child) + "/status");
    auto at = text.find("Uid:");
    return at == std::string::npos ? -1L : std::atol(text.c_str() + at + 4);
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (uid_now() != 9002 && std::chrono::steady_clock::now() < deadline) ::usleep(500);
  auto start = std::chrono::steady_clock::now();
  bool moved = false;
  while (!(moved = cpu_cgroup_of(child).find("/user-9002/") != std::string::npos) &&
         std::chrono::steady_clock::now() < deadline)
    ::usleep(500);
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  REQUIRE(moved);
  WARN("re-placed under user-9002 " << ms.count() << " ms after /proc showed its setuid");
  CHECK(stat_number(read_file(fs + "/" + std::to_string(child) + "/stats"), "uid") == 9002);
}

TEST_CASE("in a user-fair group a child group competes beside the users", "[user-fair][shares]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  const std::string fs = t.m + "0/fs";
  REQUIRE(mkdir_errno(fs) == 0);
  REQUIRE(write_file(fs + "/scheduler", "user-fair") == 0);
  REQUIRE(mkdir_errno(fs + "/sub") == 0);
  TempDir tmp;
  const std::string& dir = tmp.path();
  const std::string piglet = cli_dir() + "/piglet";
  // Users 9000 (two piglets) and 9001 (one), and group sub (one of 9000):
  // three competitors, a third each.
  put_file(dir + "/three.conf",
           "9000 " + piglet + "\n9000 " + piglet + "\n9001 " + piglet + "\n9000 " + piglet + "\n");
  auto spawn = start_spawn(t.d.mnt(), "0/fs", dir + "/three.conf");
  auto pids = wait_spawned(fs, 4);
  REQUIRE(pids.size() == 4);
  const pid_t in_sub = pids.back();
  REQUIRE(rename_errno(fs + "/" + std::to_string(in_sub), fs + "/sub/" + std::to_string(in_sub)) ==
          0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto sh = measure_shares(pids, kWindow);
  const double u9000 = sh[0] + sh[1], u9001 = sh[2], sub = sh[3];
  WARN("user 9000 / user 9001 / group sub measured: " << u9000 << " / " << u9001 << " / " << sub);
  CHECK(u9000 == Approx(100.0 / 3).margin(kTolerance));
  CHECK(u9001 == Approx(100.0 / 3).margin(kTolerance));
  CHECK(sub == Approx(100.0 / 3).margin(kTolerance));
}

TEST_CASE("an io user beside a piglet user: the piglet user is not starved, io gets its demand",
          "[user-fair][io][shares]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  const std::string fs = t.m + "0/fs";
  REQUIRE(mkdir_errno(fs) == 0);
  REQUIRE(write_file(fs + "/scheduler", "user-fair") == 0);
  TempDir tmp;
  const std::string& dir = tmp.path();
  const std::string io = cli_dir() + "/io";
  const std::string piglet = cli_dir() + "/piglet";
  // io reads the tree above the programs: the build directory here, the
  // whole initramfs in the VM (where it is all in memory, so io is CPU-bound).
  const std::string files = cli_dir() + "/..";
  put_file(dir + "/io.conf", "9000 " + io + " " + files + "\n");
  put_file(dir + "/both.conf", "9000 " + io + " " + files + "\n9001 " + piglet + "\n");

  // io's demand: what it uses of CPU 0 when alone.
  double demand = 0;
  {
    auto alone = start_spawn(t.d.mnt(), "0/fs", dir + "/io.conf");
    auto pids = wait_spawned(fs, 1);
    REQUIRE(pids.size() == 1);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    demand = cpu_pct_over(pids, kWindow)[0];
    INFO(alone->poll_output());
    REQUIRE(tasks_of(fs).size() == 1);  // io still reading
  }
  wait_until([&] { return tasks_of(fs).empty(); }, 5.0);

  auto both = start_spawn(t.d.mnt(), "0/fs", dir + "/both.conf");
  auto pids = wait_spawned(fs, 2);
  REQUIRE(pids.size() == 2);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto pct = cpu_pct_over(pids, kWindow);
  INFO(both->poll_output());
  REQUIRE(tasks_of(fs).size() == 2);
  const bool io_first =
      stat_number(read_file(fs + "/" + std::to_string(pids[0]) + "/stats"), "uid") == 9000;
  const double io_pct = pct[io_first ? 0 : 1], pig_pct = pct[io_first ? 1 : 0];
  WARN("io alone used " << demand << " % of CPU 0; beside a piglet: io " << io_pct << " %, piglet "
                        << pig_pct << " %");
  // The piglet user keeps at least its half; io gets what it asks for, up
  // to its half (the kernel's wakeup latency costs it a little).
  CHECK(pig_pct >= 50 - kTolerance);
  CHECK(io_pct <= 50 + kTolerance);
  CHECK(io_pct >= std::min(demand, 50.0) * 0.7);
}

TEST_CASE("a restarted daemon finds user-fair groups, their users and the usernice levels",
          "[user-fair][lifecycle]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  const std::string fs = t.m + "0/fs";
  REQUIRE(mkdir_errno(fs) == 0);
  REQUIRE(write_file(fs + "/scheduler", "user-fair") == 0);
  REQUIRE(write_file(t.m + "usernice", "9001 4") == 0);
  UserProcess a(9000), b(9001);
  REQUIRE(write_file(fs + "/tasks", std::to_string(a.pid())) == 0);
  REQUIRE(write_file(fs + "/tasks", std::to_string(b.pid())) == 0);
  t.d.stop();
  t.d.start();
  CHECK(read_file(fs + "/scheduler") == "user-fair\n");
  CHECK(read_file(t.m + "usernice") == "9001 4\n");
  CHECK(tasks_of(fs) == std::vector<pid_t>{std::min(a.pid(), b.pid()), std::max(a.pid(), b.pid())});
  CHECK(cpu_cgroup_of(a.pid()).find("/user-9000/") != std::string::npos);
  CHECK(cpu_cgroup_of(b.pid()).find("/user-9001/") != std::string::npos);
  // The level still weighs its user's directory.
  auto user_dir = cpu_mount() + cpu_cgroup_of(b.pid());
  user_dir = user_dir.substr(0, user_dir.rfind('/'));
  if (cgroup_version() == 1)
    CHECK(read_file(user_dir + "/cpu.shares") == "423\n");  // CFS weight of nice 4
  else
    CHECK(read_file(user_dir + "/cpu.weight.nice") == "4\n");
  // Both gone: the users' directories go with them.
  a.kill();
  b.kill();
  CHECK(wait_until([&] { return tasks_of(fs).empty(); }, 3.0));
  CHECK(rmdir_errno(fs) == 0);
}
