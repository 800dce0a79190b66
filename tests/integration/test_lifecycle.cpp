// Processes coming and going, daemon restarts and unmounts.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "harness.hpp"

using namespace it;

namespace {

bool listed(const std::string& dir, pid_t pid) {
  for (const auto& n : list(dir))
    if (n == s(pid)) return true;
  return false;
}

// A child that, once told through a pipe, forks a grandchild and reports
// its pid back.
struct GrandchildForker {
  pid_t pid = -1;
  int go[2], back[2];
  GrandchildForker() {
    REQUIRE(::pipe(go) == 0);
    REQUIRE(::pipe(back) == 0);
    pid = ::fork();
    if (pid == 0) {
      char c;
      if (::read(go[0], &c, 1) != 1) ::_exit(1);
      pid_t g = ::fork();
      if (g == 0) {
        ::pause();
        ::_exit(0);
      }
      [[maybe_unused]] auto n = ::write(back[1], &g, sizeof g);
      ::pause();
      ::_exit(0);
    }
  }
  pid_t fork_grandchild() {
    [[maybe_unused]] auto n = ::write(go[1], "x", 1);
    pid_t g = -1;
    REQUIRE(::read(back[0], &g, sizeof g) == sizeof g);
    return g;
  }
  ~GrandchildForker() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    for (int fd : {go[0], go[1], back[0], back[1]}) ::close(fd);
  }
};
}  // namespace

TEST_CASE("a process forked in a group appears there, with a place of its own", "[lifecycle]") {
  TestRoot root;
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/guest")) == 0);
  GrandchildForker f;
  REQUIRE(write_file(d.path("0/guest/tasks"), s(f.pid)) == 0);
  pid_t g = f.fork_grandchild();
  CHECK(wait_until([&] { return listed(d.path("0/guest"), g); }, 2.0));
  CHECK_FALSE(listed(d.path("0"), g));
  CHECK(exists(d.path("0/guest/" + s(g) + "/comm")));
  // Each process competes on its own: the child leaves its parent's leaf.
  CHECK(wait_until([&] { return cpu_cgroup_of(g) != cpu_cgroup_of(f.pid); }, 2.0));
  CHECK(cpu_cgroup_of(g).find("/fsched-guest/proc-") != std::string::npos);
  ::kill(g, SIGKILL);
}

TEST_CASE("an exited process disappears from the tree", "[lifecycle]") {
  TestRoot root;
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/guest")) == 0);
  Hog h;
  pid_t pid = h.pid();
  REQUIRE(write_file(d.path("0/guest/tasks"), s(pid)) == 0);
  REQUIRE(exists(d.path("0/guest/" + s(pid))));  // now cached by the kernel
  h.kill();
  CHECK(wait_until([&] { return !exists(d.path("0/guest/" + s(pid))); }, 2.0));
  CHECK_FALSE(listed(d.path("0/guest"), pid));
  CHECK(read_file(d.path("0/guest/tasks")).empty());
  CHECK(rmdir_errno(d.path("0/guest")) == 0);
}

TEST_CASE_METHOD(TwoHogsMounted, "tasks: writing moves, reading lists", "[lifecycle]") {
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  REQUIRE(exists(d.path("0/" + s(a.pid()))));
  REQUIRE(write_file(d.path("0/g/tasks"), s(a.pid()) + "\n") == 0);
  REQUIRE(write_file(d.path("0/g/tasks"), s(b.pid())) == 0);
  std::string tasks = read_file(d.path("0/g/tasks"));
  CHECK(tasks.find(s(a.pid()) + "\n") != std::string::npos);
  CHECK(tasks.find(s(b.pid()) + "\n") != std::string::npos);
  CHECK(listed(d.path("0/g"), a.pid()));
  // The old entry, cached by the lookup above, is gone promptly.
  CHECK(wait_until([&] { return !exists(d.path("0/" + s(a.pid()))); }, 1.0));
  CHECK(stat_value(read_file(d.path("0/g/stats")), "nr_tasks") == "2");
  // Back to 0: the process returns to the cgroup it came from.
  std::string in_group = cpu_cgroup_of(a.pid());
  REQUIRE(write_file(d.path("0/tasks"), s(a.pid())) == 0);
  CHECK(cpu_cgroup_of(a.pid()) == root.adopted_dir(a.pid()).substr(cpu_mount().size()));
  CHECK(in_group != cpu_cgroup_of(a.pid()));
}

TEST_CASE("all threads of a process move together", "[lifecycle]") {
  TestRoot root;
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    for (int i = 0; i < 3; ++i) std::thread([] { ::pause(); }).detach();
    ::pause();
    ::_exit(0);
  }
  REQUIRE(wait_until([&] { return list("/proc/" + s(pid) + "/task").size() == 4; }, 2.0));
  REQUIRE(write_file(d.path("0/g/tasks"), s(pid)) == 0);
  std::string want = cpu_cgroup_of(pid);
  for (const auto& tid : list("/proc/" + s(pid) + "/task")) {
    std::string text = read_file("/proc/" + s(pid) + "/task/" + tid + "/cgroup");
    CHECK(text.find(want + "\n") != std::string::npos);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

TEST_CASE("a restarted daemon finds groups, weights, policies and members", "[lifecycle]") {
  TestRoot root;
  Hog h;
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/a")) == 0);
  REQUIRE(mkdir_errno(d.path("0/a/b")) == 0);
  REQUIRE(write_file(d.path("0/a/cpu.weight"), "321") == 0);
  REQUIRE(write_file(d.path("0/a/b/scheduler"), "idle") == 0);
  REQUIRE(write_file(d.path("0/a/b/tasks"), s(h.pid())) == 0);
  d.stop();
  CHECK(::kill(h.pid(), 0) == 0);
  d.start();
  CHECK(read_file(d.path("0/a/cpu.weight")) == "321\n");
  CHECK(read_file(d.path("0/a/b/scheduler")) == "idle\n");
  CHECK(listed(d.path("0/a/b"), h.pid()));
  CHECK_FALSE(listed(d.path("0"), h.pid()));
}

TEST_CASE("unmount and SIGTERM leave every process alive and no stray cgroup", "[lifecycle]") {
  TestRoot root;
  Hog a, b;
  root.adopt({a.pid(), b.pid()});
  {
    Daemon d(root.path());
    d.start();
    REQUIRE(mkdir_errno(d.path("0/g")) == 0);
    REQUIRE(write_file(d.path("0/g/tasks"), s(a.pid())) == 0);
    REQUIRE(write_file(d.path("0/g/tasks"), s(b.pid())) == 0);
    REQUIRE(write_file(d.path("0/tasks"), s(b.pid())) == 0);  // leaves a spare leaf
    d.stop();
  }
  for (pid_t p : {a.pid(), b.pid()}) {
    CHECK(::kill(p, 0) == 0);
    CHECK(read_file("/proc/" + s(p) + "/stat").find(") R") != std::string::npos);
  }
  // Only the group the user made and the one occupied leaf remain.
  auto top = list(root.path());
  CHECK(std::count_if(top.begin(), top.end(), [](auto& n) { return n.starts_with("fsched-"); }) ==
        1);
  auto leaves = list(root.path() + "/fsched-g");
  CHECK(std::count_if(leaves.begin(), leaves.end(),
                      [](auto& n) { return n.starts_with("proc-"); }) == 1);

  // umount(8) as a user would do it.
  Daemon d(root.path());
  d.start();
  std::string cmd = "umount " + d.mnt();
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(wait_until([&] { return !exists(d.mnt() + "/0"); }, 5.0));
  CHECK(::kill(a.pid(), 0) == 0);
  d.stop();
}

TEST_CASE("without -f the daemon returns once the tree is usable, and exits cleanly on umount",
          "[lifecycle]") {
  // Not `ls 0`: busybox ls stats every entry, and in the VM's small system
  // a process listed there may exit before its stat (as in /proc).
  TestRoot root;
  Daemon d(root.path(), {}, Daemon::Mode::detached);
  d.start();
  CHECK(!list(d.mnt()).empty());
  CHECK(!read_file(d.path("0/tasks")).empty());
  CHECK(read_file(d.path("schedulers/fair")).find("backends:") != std::string::npos);
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  CHECK(rmdir_errno(d.path("0/g")) == 0);
  CHECK(std::system(("fusermount3 -u " + d.mnt()).c_str()) == 0);
  CHECK(wait_until([&] { return !d.alive(); }, 10));
  int status = d.stop();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("without -f, cpuacct follows moves and groups can be removed (v1 mirror)",
          "[lifecycle]") {
  if (!cpuacct_mirrored()) {
    WARN("cpuacct is not mounted apart from cpu here: no accounting mirror to check");
    return;
  }
  TestRoot root;
  // A process found in a group's own directory gets a leaf while the
  // daemon discovers the tree, before it detaches: the first move into
  // the accounting mirror happens then.
  UserProcess early(0), late(0);
  REQUIRE(::mkdir((root.path() + "/fsched-pre").c_str(), 0755) == 0);
  REQUIRE(write_file(root.path() + "/fsched-pre/cgroup.procs", s(early.pid())) == 0);
  Daemon d(root.path(), {}, Daemon::Mode::detached);
  d.start();
  CHECK(wait_until([&] { return cpuacct_cgroup_of(early.pid()).find("fsched-pre") !=
                                std::string::npos; }, 3));
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  REQUIRE(write_file(d.path("0/g/tasks"), s(late.pid())) == 0);
  CHECK(wait_until([&] { return cpuacct_cgroup_of(late.pid()).find("fsched-g") !=
                                std::string::npos; }, 3));
  REQUIRE(write_file(d.path("0/tasks"), s(late.pid())) == 0);
  // rmdir drains the accounting queue first: with no thread behind the
  // queue it would never return.
  pid_t child = ::fork();
  if (child == 0) ::_exit(rmdir_errno(d.path("0/g")));
  int status = -1;
  bool done = wait_until([&] { return ::waitpid(child, &status, WNOHANG) == child; }, 5);
  if (!done) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  CHECK(done);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  CHECK(d.stop() == 0);
}

TEST_CASE("stats of groups and processes", "[lifecycle]") {
  TestRoot root;
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  Hog h;
  REQUIRE(write_file(d.path("0/g/tasks"), s(h.pid())) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  std::string gs = read_file(d.path("0/g/stats"));
  for (const char* key :
       {"usage_usec", "user_usec", "system_usec", "cpu_pct", "nr_tasks", "weight"})
    CHECK(!stat_value(gs, key).empty());
  CHECK(std::stoull(stat_value(gs, "usage_usec")) > 1'000'000);
  CHECK(std::stod(stat_value(gs, "cpu_pct")) > 50.0);
  CHECK(stat_value(gs, "weight") == "100");
  std::string ps = read_file(d.path("0/g/" + s(h.pid()) + "/stats"));
  CHECK(std::stoull(stat_value(ps, "usage_usec")) > 1'000'000);
  CHECK(std::stod(stat_value(ps, "cpu_pct")) > 50.0);
  CHECK(read_file(d.path("0/g/" + s(h.pid()) + "/comm")) ==
        read_file("/proc/" + s(h.pid()) + "/comm"));
  std::string host = read_file(d.path("0/stats"));
  CHECK(std::stoull(stat_value(host, "usage_usec")) >= std::stoull(stat_value(gs, "usage_usec")));
}
