// fsched run (cgexec) and fsched move (cgclassify) against a mounted tree,
// as root and as the uids 9000 and 9001 of the delegation tests: exit
// statuses, the errors named, and where the processes end up. Both write
// to the tree with their caller's credentials, so the refusals are the
// tree's own (test_delegation.cpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "cli_run.hpp"
#include "harness.hpp"

using namespace it;

namespace {
constexpr uid_t kAlice = 9000;
constexpr uid_t kBob = 9001;

struct CliTree : MountedTree {
  std::vector<std::string> fsched(const std::string& cmd, std::vector<std::string> rest) const {
    std::vector<std::string> argv{cli_dir() + "/fsched", cmd, "--mount", d.mnt()};
    argv.insert(argv.end(), rest.begin(), rest.end());
    return argv;
  }
};

// The line of /proc/PID/status that starts with `key`, e.g. "Uid:".
std::string status_line(pid_t pid, const std::string& key) {
  std::istringstream in(read_file("/proc/" + s(pid) + "/status"));
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) return line;
  return "";
}

// Whether `pid` has become `comm` (fsched run has exec'd it).
bool became(pid_t pid, const std::string& comm) {
  return wait_until([&] { return read_file("/proc/" + s(pid) + "/comm") == comm + "\n"; }, 5);
}

std::vector<pid_t> sorted(std::vector<pid_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The raw wait status, which Command folds into 128+N.
int wait_status_of(const std::vector<std::string>& argv) {
  pid_t p = ::fork();
  if (p == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int ws = 0;
  ::waitpid(p, &ws, 0);
  return ws;
}

// A pid that was just used and is free now (its child reaped).
pid_t reaped_pid() {
  pid_t p = ::fork();
  if (p == 0) ::_exit(0);
  ::waitpid(p, nullptr, 0);
  return p;
}

// A directory anyone may write in, under `tmp`: what CMD leaves behind.
std::string drop_dir(const TempDir& tmp) {
  const std::string dir = tmp.path() + "/drop";
  ::mkdir(dir.c_str(), 0777);
  ::chmod(dir.c_str(), 0777);
  return dir;
}
}  // namespace

TEST_CASE("fsched run: CMD's exit status and signals, in the group, no fork", "[run]") {
  SKIP_UNLESS_CLI_READY();
  CliTree t;
  REQUIRE(mkdir_errno(t.m + "0/g") == 0);
  std::string out;
  CHECK(run(t.fsched("run", {"-g", "0/g", "--", "sh", "-c", "exit 7"}), &out) == 7);
  CHECK(out.empty());
  int ws = wait_status_of(t.fsched("run", {"-g", "0/g", "--", "sh", "-c", "kill -TERM $$"}));
  CHECK(WIFSIGNALED(ws));
  CHECK((WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM));

  REQUIRE(mkdir_errno(t.m + "0/h") == 0);
  Command c(t.fsched("run", {"-g", "0/h", "sleep", "30"}), {});
  REQUIRE(became(c.pid(), "sleep"));
  // The pid we started is the one in the group: fsched run became sleep.
  CHECK(tasks_of(t.m + "0/h") == std::vector<pid_t>{c.pid()});
  CHECK(cpu_cgroup_of(c.pid()).find("fsched-h") != std::string::npos);
  // A signal to fsched run is a signal to CMD.
  c.terminate(SIGUSR1);
  CHECK(c.wait() == 128 + SIGUSR1);
}

TEST_CASE("fsched run as root: -u USER and -n NICE", "[run]") {
  SKIP_UNLESS_CLI_READY();
  CliTree t;
  std::string out;
  REQUIRE(run(t.fsched("run", {"-u", "9000", "--", "id", "-u"}), &out) == 0);
  CHECK(out == "9000\n");
  // No passwd entry for 9000: the group of the same number, and no others.
  REQUIRE(run(t.fsched("run", {"-u", "9000", "--", "id", "-G"}), &out) == 0);
  CHECK(out == "9000\n");

  REQUIRE(mkdir_errno(t.m + "0/g") == 0);
  Command c(t.fsched("run", {"-g", "0/g", "-u", "9000", "sleep", "30"}), {});
  REQUIRE(became(c.pid(), "sleep"));
  CHECK(status_line(c.pid(), "Uid:") == "Uid:\t9000\t9000\t9000\t9000");
  CHECK(status_line(c.pid(), "Gid:") == "Gid:\t9000\t9000\t9000\t9000");
  CHECK(tasks_of(t.m + "0/g") == std::vector<pid_t>{c.pid()});
  CHECK(wait_until([&] { return owner_of(t.m + "0/g/" + s(c.pid())).uid == kAlice; }, 3));

  // The level CMD runs at, field 19 of its stat, read by the shell alone
  // (the VM's initramfs has no nice(1)).
  const std::string own_nice = "read l < /proc/$$/stat; set -- $l; echo ${19}";
  REQUIRE(run(t.fsched("run", {"-n", "5", "--", "sh", "-c", own_nice}), &out) == 0);
  CHECK(out == "5\n");
  // Absolute, as systemd's Nice=: 3 under 5 is 3, not 8 as nice(1) would.
  REQUIRE(run(t.fsched("run", {"-n", "5", "--", cli_dir() + "/fsched", "run", "-n", "3", "sh",
                               "-c", own_nice}),
              &out) == 0);
  CHECK(out == "3\n");
}

TEST_CASE("fsched run: its own refusals exit 125 and change nothing", "[run]") {
  SKIP_UNLESS_CLI_READY();
  CliTree t;
  TempDir tmp;
  const std::string drop = drop_dir(tmp);
  std::string out;

  CHECK(run(t.fsched("run", {"-u", "0", "--", "touch", drop + "/u"}), &out, as_uid(kAlice)) == 125);
  CHECK(out == "fsched run: -u: only root may run as another user\n");
  CHECK(run(t.fsched("run", {"-n", "-5", "--", "touch", drop + "/n"}), &out, as_uid(kAlice)) ==
        125);
  CHECK(out == "fsched run: -n: -5: Permission denied\n");
  CHECK(run(t.fsched("run", {"-n", "20", "--", "touch", drop + "/n"}), &out) == 125);
  CHECK(out == "fsched run: -n: 20: not a nice level (-20..19)\n");

  CHECK(run(t.fsched("run", {"-g", "0/nogroup", "--", "touch", drop + "/g"}), &out) == 125);
  CHECK(out == "fsched run: 0/nogroup: No such file or directory\n");
  CHECK_FALSE(exists(t.m + "0/nogroup"));

  // A root-owned 0755 group is closed to uid 9000.
  REQUIRE(mkdir_errno(t.m + "0/g") == 0);
  CHECK(run(t.fsched("run", {"-g", "0/g", "--", "touch", drop + "/p"}), &out, as_uid(kAlice)) ==
        125);
  CHECK(out == "fsched run: 0/g/tasks: Permission denied\n");
  CHECK(list(drop).empty());  // no CMD ran
  CHECK(tasks_of(t.m + "0/g").empty());

  CHECK(run(t.fsched("run", {"-g", "0/g", "--", "no-such-command-fsched"}), &out) == 127);
  CHECK(out == "fsched run: no-such-command-fsched: No such file or directory\n");
  const std::string script = tmp.path() + "/not-executable";
  REQUIRE(put_file(script, "#!/bin/sh\n"));
  CHECK(run(t.fsched("run", {script}), &out) == 126);
  CHECK(out == "fsched run: " + script + ": Permission denied\n");
}

TEST_CASE("fsched run as uid 9000 into a group of its own", "[run]") {
  SKIP_UNLESS_CLI_READY();
  CliTree t;
  // 0/ is 1777: anyone makes a group there, and it is theirs.
  REQUIRE(as_user(kAlice, [&] { return mkdir_errno(t.m + "0/mine"); }) == 0);
  const std::string tasks = t.m + "0/mine/tasks";
  // sh is the process fsched run became: its $$ is in the group.
  CHECK(run(t.fsched("run", {"-g", "0/mine", "sh", "-c", "grep -qx \"$$\" \"$1\"", "sh", tasks}),
            nullptr, as_uid(kAlice)) == 0);
  CHECK(run(t.fsched("run", {"-g", "0/mine", "sh", "-c", "exit 3"}), nullptr, as_uid(kAlice)) == 3);
}

TEST_CASE("fsched move: many at once, one line per failure, the rest moved", "[run][move]") {
  SKIP_UNLESS_CLI_READY();
  CliTree t;
  REQUIRE(mkdir_errno(t.m + "0/g") == 0);
  REQUIRE(mkdir_errno(t.m + "0/h") == 0);
  Command a({"/bin/sleep", "30"}, {}), b({"/bin/sleep", "30"}, {}), c({"/bin/sleep", "30"}, {});
  std::string out;
  CHECK(run(t.fsched("move", {"0/g", s(a.pid()), s(b.pid()), s(c.pid())}), &out) == 0);
  CHECK(out.empty());
  CHECK(sorted(tasks_of(t.m + "0/g")) == sorted({a.pid(), b.pid(), c.pid()}));

  const pid_t gone = reaped_pid();
  CHECK(run(t.fsched("move", {"0/h", s(a.pid()), s(gone), s(b.pid())}), &out) == 1);
  CHECK(out == "fsched move: " + s(gone) + ": No such process (ESRCH)\n");
  CHECK(sorted(tasks_of(t.m + "0/h")) == sorted({a.pid(), b.pid()}));

  CHECK(run(t.fsched("move", {"0/h", "abc", s(c.pid()), "-5"}), &out) == 1);
  CHECK(out ==
        "fsched move: abc: Invalid argument (EINVAL)\n"
        "fsched move: -5: Invalid argument (EINVAL)\n");
  CHECK(sorted(tasks_of(t.m + "0/h")) == sorted({a.pid(), b.pid(), c.pid()}));

  CHECK(run(t.fsched("move", {"0/nogroup", s(a.pid())}), &out) == 1);
  CHECK(out == "fsched move: 0/nogroup: No such file or directory (ENOENT)\n");
  CHECK(sorted(tasks_of(t.m + "0/h")).size() == 3);

  CHECK(run(t.fsched("move", {"0/g"}), &out) == 2);
  CHECK(out.find("no PID given") != std::string::npos);
}

TEST_CASE("fsched move as uid 9001 and 9000: the tree's permission rules", "[run][move]") {
  SKIP_UNLESS_CLI_READY();
  CliTree t;
  UserProcess alices(kAlice), bobs(kBob);
  REQUIRE(wait_until([&] { return exists(t.m + "0/" + s(bobs.pid())); }, 3));
  REQUIRE(as_user(kBob, [&] { return mkdir_errno(t.m + "0/b"); }) == 0);
  std::string out;
  // Someone else's process: EPERM; Bob's own, in the same list, moves.
  CHECK(run(t.fsched("move", {"0/b", s(alices.pid()), s(bobs.pid())}), &out, as_uid(kBob)) == 1);
  CHECK(out == "fsched move: " + s(alices.pid()) + ": Operation not permitted (EPERM)\n");
  CHECK(tasks_of(t.m + "0/b") == std::vector<pid_t>{bobs.pid()});
  CHECK(exists(t.m + "0/" + s(alices.pid())));
  // Her own process into Bob's 0755 group: the group's tasks file is closed.
  CHECK(run(t.fsched("move", {"0/b", s(alices.pid())}), &out, as_uid(kAlice)) == 1);
  CHECK(out == "fsched move: 0/b/tasks: Permission denied (EACCES)\n");
  CHECK(exists(t.m + "0/" + s(alices.pid())));
  // Root moves anything.
  CHECK(run(t.fsched("move", {"0/b", s(alices.pid())}), &out) == 0);
  CHECK(sorted(tasks_of(t.m + "0/b")) == sorted({alices.pid(), bobs.pid()}));
}
