// fsched top and fsched spawn as a user meets them: a terminal under tmux,
// plain text for scripts, and spawn's rules for finding files.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <thread>

#include "cli_run.hpp"
#include "harness.hpp"

using namespace it;

namespace {
std::string sh(const std::string& cmd) {
  std::string out;
  run({"/bin/sh", "-c", cmd}, &out);
  return out;
}

// A user-fair group 0/fs running the assignment's sample (3 piglets of
// 9000, 2 of 9001) on CPU 0.
struct SampleRunning {
  MountedTree t;
  std::string fs = t.m + "0/fs";
  std::unique_ptr<Command> spawn;
  std::vector<pid_t> pids;
  SampleRunning() {
    REQUIRE(mkdir_errno(fs) == 0);
    REQUIRE(write_file(fs + "/scheduler", "user-fair") == 0);
    spawn = start_spawn(t.d.mnt(), "0/fs");
    pids = wait_spawned(fs, 5);
    REQUIRE(pids.size() == 5);
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
};
}  // namespace

TEST_CASE("fsched top under tmux: users, processes, percentages as stats; the keys work", "[top]") {
  SKIP_UNLESS_CLI_READY();
  if (sh("command -v tmux").empty()) {
    WARN("skipped: tmux is not installed");
    return;
  }
  SampleRunning s;
  const std::string session = "fschedtest-" + std::to_string(::getpid());
  const std::string top = cli_dir() + "/fsched top --mount " + s.t.d.mnt() + " 1";
  REQUIRE(sh("tmux new-session -d -s " + session + " -x 120 -y 50 '" + top + "' 2>&1").empty());
  auto screen = [&](bool colors = false) {
    return sh("tmux capture-pane -p " + std::string(colors ? "-e " : "") + "-t " + session);
  };
  auto keys = [&](const std::string& k) { sh("tmux send-keys -t " + session + " " + k); };
  auto cleanup = [&] { sh("tmux kill-session -t " + session + " 2>/dev/null"); };

  REQUIRE(wait_until([&] { return screen().find("User 9001") != std::string::npos; }, 6.0));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  // A one-second window on a loaded machine (ASAN, the VM beside it) can
  // be skewed: the split must show within a few refreshes.
  std::string text = screen();
  for (int i = 0; i < 4; ++i) {
    if (std::abs(shown_pct(text, "User 9000:") - 50) <= 5 &&
        std::abs(shown_pct(text, "User 9001:") - 50) <= 5)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    text = screen();
  }
  INFO(text);
  CHECK(text.find("real time mode") != std::string::npos);
  CHECK(text.find("0/fs (user-fair, weight 100)") != std::string::npos);
  CHECK(shown_pct(text, "User 9000:") == Approx(50).margin(5));
  CHECK(shown_pct(text, "User 9001:") == Approx(50).margin(5));
  for (pid_t p : s.pids) {
    double shown = shown_pct(text, "(piglet) " + std::to_string(p));
    double stats = stat_number(read_file(s.fs + "/" + std::to_string(p) + "/stats"), "cpu_pct");
    INFO("pid " << p << ": top " << shown << ", stats " << stats);
    CHECK(shown >= 0);
    CHECK(shown == Approx(stats).margin(5));
  }
  // Colors and bars on a terminal.
  CHECK(screen(true).find("\x1b[") != std::string::npos);
  CHECK(text.find("[|") != std::string::npos);

  keys("Space");
  CHECK(wait_until([&] { return screen().find("CPU time mode") != std::string::npos; }, 3.0));
  keys("+");
  CHECK(wait_until([&] { return screen().find("every 2 s") != std::string::npos; }, 3.0));
  keys("-");
  keys("-");
  CHECK(wait_until([&] { return screen().find("every 0.5 s") != std::string::npos; }, 3.0));
  keys("q");
  bool quit = wait_until(
      [&] {
        return sh("tmux has-session -t " + session + " 2>&1").find("can't find") !=
                   std::string::npos ||
               sh("tmux has-session -t " + session + " 2>&1").find("no server") !=
                   std::string::npos;
      },
      3.0);
  CHECK(quit);
  cleanup();
}

TEST_CASE("fsched top -b -n 2: plain text, two screens, then exit", "[top]") {
  SKIP_UNLESS_CLI_READY();
  SampleRunning s;
  std::string out;
  REQUIRE(run({cli_dir() + "/fsched", "top", "-b", "-n", "2", "--mount", s.t.d.mnt(), "2"}, &out) ==
          0);
  INFO(out);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find("[|") == std::string::npos);
  std::size_t screens = 0;
  for (auto at = out.find("Elapsed time:"); at != std::string::npos;
       at = out.find("Elapsed time:", at + 1))
    ++screens;
  CHECK(screens == 2);
  // The users' split of what the group got, on the last screen: the
  // daemon answering top's reads shares CPU 0 too (most in the VM).
  const std::string last = out.substr(out.rfind("Elapsed time:"));
  const double u9000 = shown_pct(last, "User 9000:"), u9001 = shown_pct(last, "User 9001:");
  REQUIRE(u9000 + u9001 > 0);
  CHECK(100 * u9000 / (u9000 + u9001) == Approx(50).margin(5));
  CHECK(last.find("(piglet) " + std::to_string(s.pids[0])) != std::string::npos);
}

TEST_CASE("fsched spawn: CONF from the cwd, programs beside CONF, killed when time is up",
          "[spawn]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  TempDir tmp;
  const std::string& dir = tmp.path();
  REQUIRE(::mkdir((dir + "/exp").c_str(), 0755) == 0);
  REQUIRE(::symlink((cli_dir() + "/piglet").c_str(), (dir + "/exp/pig").c_str()) == 0);
  REQUIRE(put_file(dir + "/exp/my.conf", "# two users\n9000 pig\n9001 pig 100\n"));
  REQUIRE(mkdir_errno(t.m + "0/fs") == 0);
  std::string out;
  auto start = std::chrono::steady_clock::now();
  int rc = run({cli_dir() + "/fsched", "spawn", "--group", "0/fs", "--time", "2", "--mount",
                t.d.mnt(), "exp/my.conf"},
               &out, in_dir(dir));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(out);
  CHECK(rc == 0);
  CHECK(out.find("uid 9000 " + dir + "/exp/pig\n") != std::string::npos);
  CHECK(out.find("uid 9001 " + dir + "/exp/pig\n") != std::string::npos);
  CHECK(out.find("2 s are up: killing 2 processes") != std::string::npos);
  CHECK(took == Approx(2).margin(1));
  CHECK(wait_until([&] { return tasks_of(t.m + "0/fs").empty(); }, 3.0));
}

TEST_CASE("fsched spawn refuses bad input and starts nothing", "[spawn]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  TempDir tmp;
  const std::string& dir = tmp.path();
  const std::string fsched = cli_dir() + "/fsched";
  put_file(dir + "/bad.conf", "9000 " + cli_dir() + "/piglet\n9001\n");
  put_file(dir + "/missing.conf", "9000 " + cli_dir() + "/piglet\n9001 no-such-program\n");
  std::string out;
  CHECK(run({fsched, "spawn", dir + "/bad.conf"}, &out) == 1);
  CHECK(out == "fsched: " + dir + "/bad.conf:2: expected UID PROGRAM [ARGS], got \"9001\"\n");
  CHECK(run({fsched, "spawn", dir + "/missing.conf"}, &out) == 1);
  CHECK(out == "fsched: " + dir + "/missing.conf:2: " + dir +
                   "/no-such-program is not an executable file\n");
  CHECK(run({fsched, "spawn", "--group", "0/nope", "--mount", t.d.mnt(), cli_dir() + "/spawn.conf"},
            &out) == 1);
  CHECK(out.find("0/nope/tasks") != std::string::npos);
  CHECK(run({fsched, "spawn", cli_dir() + "/spawn.conf"}, &out, as_uid(9000)) == 1);
  CHECK(out.find("needs root") != std::string::npos);
  CHECK(out.find("spawn: ") == std::string::npos);  // nothing was started
}

TEST_CASE("fsched usernice: the assignment's argument order and clear errors", "[usernice]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  const std::string fsched = cli_dir() + "/fsched";
  std::string out;
  REQUIRE(run({fsched, "usernice", "--mount", t.d.mnt(), "3", "9000"}, &out) == 0);
  CHECK(read_file(t.m + "usernice") == "9000 3\n");
  REQUIRE(run({fsched, "usernice", "--mount", t.d.mnt()}, &out) == 0);
  CHECK(out == "9000 3\n");
  CHECK(run({fsched, "usernice", "--mount", t.d.mnt(), "20", "9000"}, &out) == 1);
  CHECK(out == "fsched: NICE must be within -20..19\n");
  CHECK(run({fsched, "usernice", "--mount", t.d.mnt(), "2", "9000"}, &out, as_uid(9000)) == 1);
  CHECK(out.find("only root may lower") != std::string::npos);
  CHECK(run({fsched, "usernice", "--mount", t.d.mnt(), "5", "9000"}, &out, as_uid(9000)) == 0);
  CHECK(read_file(t.m + "usernice") == "9000 5\n");
  CHECK(run({fsched, "usernice", "--mount", t.d.mnt(), "x", "9000"}, &out) == 1);
  CHECK(run({fsched, "usernice", "--mount", t.d.mnt(), "1", "nosuchuser"}, &out) == 1);
  CHECK(out == "fsched: no user named \"nosuchuser\"\n");
  CHECK(read_file(t.m + "usernice") == "9000 5\n");
}

TEST_CASE("fsched top -b: a capped group shows its cap, and AT CAP while held at it",
          "[top][caps]") {
  SKIP_UNLESS_CLI_READY();
  MountedTree t;
  Hog a;
  REQUIRE(mkdir_errno(t.m + "0/g") == 0);
  REQUIRE(write_file(t.m + "0/g/tasks", s(a.pid())) == 0);
  REQUIRE(write_file(t.m + "0/g/cpu.max", "20000 100000") == 0);
  auto last_screen = [&] {
    std::string out;
    CHECK(run({cli_dir() + "/fsched", "top", "-b", "-n", "2", "--mount", t.d.mnt(), "1"}, &out) ==
          0);
    return out.substr(out.rfind("Elapsed time:"));
  };
  std::string last = last_screen();
  INFO(last);
  CHECK(last.find("0/g (fair, weight 100, cpu.max 20000 100000") != std::string::npos);
  CHECK(last.find(") AT CAP") != std::string::npos);

  // Lifted, the group is no longer held back; its line no longer says so.
  REQUIRE(write_file(t.m + "0/g/cpu.max", "max") == 0);
  last = last_screen();
  INFO(last);
  CHECK(last.find("0/g (fair, weight 100)") != std::string::npos);
  CHECK(last.find("AT CAP") == std::string::npos);
}
