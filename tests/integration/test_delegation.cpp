// The spec's Permissions section through the mounted tree, acted out by
// uids 9000 and 9001 (children that setresuid; no accounts needed). Each
// rule is shown allowed and refused, and a refusal is checked to have
// changed nothing in the kernel.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "harness.hpp"
#include "proc_stat.hpp"

using namespace it;

namespace {
constexpr uid_t kAlice = 9000;
constexpr uid_t kBob = 9001;

struct Mounted : MountedTree {
  int as(uid_t uid, const std::function<int()>& fn, const std::vector<gid_t>& groups = {}) {
    return as_user(uid, fn, groups);
  }
};

}  // namespace

TEST_CASE_METHOD(Mounted, "0/ is 1777: anyone makes a group, it is theirs", "[delegation]") {
  CHECK(owner_of(m + "0").mode == 01777);
  REQUIRE(as(kAlice, [&] { return mkdir_errno(m + "0/alice"); }) == 0);
  Owner o = owner_of(m + "0/alice");
  CHECK(o.uid == kAlice);
  CHECK(o.gid == kAlice);
  CHECK(o.mode == 0755);
  // The sticky rule: only the owner (or root) removes or renames it.
  CHECK(as(kBob, [&] { return rmdir_errno(m + "0/alice"); }) == EPERM);
  CHECK(as(kBob, [&] { return rename_errno(m + "0/alice", m + "0/bob"); }) == EPERM);
  REQUIRE(as(kBob, [&] { return mkdir_errno(m + "0/bob"); }) == 0);
  REQUIRE(as(kBob, [&] { return chmod_errno(m + "0/bob", 0777); }) == 0);
  CHECK(as(kBob, [&] { return rename_errno(m + "0/alice", m + "0/bob/alice"); }) == EPERM);
  CHECK(exists(m + "0/alice"));
  CHECK(as(kAlice, [&] { return rename_errno(m + "0/alice", m + "0/alice2"); }) == 0);
  CHECK(as(kAlice, [&] { return rename_errno(m + "0/alice2", m + "0/bob/alice2"); }) == 0);
  CHECK(as(kAlice, [&] { return rmdir_errno(m + "0/bob/alice2"); }) == 0);
  CHECK(rmdir_errno(m + "0/bob") == 0);  // root may
}

TEST_CASE_METHOD(Mounted, "a group's mode: private groups, chmod, chown", "[delegation]") {
  REQUIRE(as(kAlice, [&] { return mkdir_errno(m + "0/a"); }) == 0);
  CHECK(as(kBob, [&] { return mkdir_errno(m + "0/a/x"); }) == EACCES);
  CHECK(as(kBob, [&] { return chmod_errno(m + "0/a", 0777); }) == EPERM);
  REQUIRE(as(kAlice, [&] { return chmod_errno(m + "0/a", 0700); }) == 0);
  CHECK(owner_of(m + "0/a").mode == 0700);
  // 0700 keeps others out of reading, too.
  CHECK(as(kBob, [&] { return exists(m + "0/a/stats") ? 0 : errno; }) == EACCES);
  CHECK(as(kAlice, [&] { return exists(m + "0/a/stats") ? 0 : errno; }) == 0);
  // chown: root only.
  CHECK(as(kAlice, [&] { return chown_errno(m + "0/a", kBob, -1); }) == EPERM);
  CHECK(owner_of(m + "0/a").uid == kAlice);
  REQUIRE(chown_errno(m + "0/a", kBob, kBob) == 0);
  CHECK(owner_of(m + "0/a").uid == kBob);
  CHECK(as(kBob, [&] { return mkdir_errno(m + "0/a/x"); }) == 0);
  CHECK(as(kAlice, [&] { return chmod_errno(m + "0/a", 0777); }) == EPERM);
}

TEST_CASE_METHOD(Mounted, "supplementary groups count", "[delegation]") {
  REQUIRE(mkdir_errno(m + "0/team") == 0);
  REQUIRE(chown_errno(m + "0/team", 0, 4242) == 0);
  REQUIRE(chmod_errno(m + "0/team", 0770) == 0);
  CHECK(as(kBob, [&] { return mkdir_errno(m + "0/team/x"); }) == EACCES);
  CHECK(as(kBob, [&] { return mkdir_errno(m + "0/team/x"); }, {4242}) == 0);
  CHECK(owner_of(m + "0/team/x").uid == kBob);
}

TEST_CASE_METHOD(Mounted, "<pid>/ belongs to the process's real uid", "[delegation]") {
  UserProcess a(kAlice), b(kBob);
  REQUIRE(wait_until([&] { return exists(m + "0/" + s(b.pid())); }, 3));
  CHECK(owner_of(m + "0/" + s(a.pid())).uid == kAlice);
  CHECK(owner_of(m + "0/" + s(b.pid())).uid == kBob);
  CHECK(owner_of(m + "0/" + s(getpid())).uid == 0);
}

TEST_CASE_METHOD(Mounted, "moving a process: owner, and write on both groups", "[delegation]") {
  UserProcess a(kAlice), b(kBob);
  root.adopt({a.pid(), b.pid()});
  const std::string pa = s(a.pid()), pb = s(b.pid());
  REQUIRE(wait_until([&] { return exists(m + "0/" + pb); }, 3));
  REQUIRE(as(kAlice, [&] { return mkdir_errno(m + "0/a"); }) == 0);
  REQUIRE(as(kBob, [&] { return mkdir_errno(m + "0/b"); }) == 0);
  const std::string home_b = cpu_cgroup_of(b.pid());

  // Someone else's process, into one's own group: EPERM, both ways.
  CHECK(as(kAlice, [&] { return rename_errno(m + "0/" + pb, m + "0/a/" + pb); }) == EPERM);
  CHECK(as(kAlice, [&] { return write_file(m + "0/a/tasks", pb); }) == EPERM);
  const std::string me = s(getpid());  // root's
  CHECK(as(kAlice, [&] { return write_file(m + "0/a/tasks", me); }) == EPERM);
  CHECK(cpu_cgroup_of(b.pid()) == home_b);
  // One's own process into someone else's group: EACCES.
  CHECK(as(kAlice, [&] { return rename_errno(m + "0/" + pa, m + "0/b/" + pa); }) == EACCES);
  CHECK(as(kAlice, [&] { return write_file(m + "0/b/tasks", pa); }) == EACCES);
  CHECK(exists(m + "0/" + pa));
  // Allowed: own process, writable groups; the kernel follows.
  REQUIRE(as(kAlice, [&] { return rename_errno(m + "0/" + pa, m + "0/a/" + pa); }) == 0);
  CHECK(cpu_cgroup_of(a.pid()).find("fsched-a") != std::string::npos);
  REQUIRE(as(kBob, [&] { return write_file(m + "0/b/tasks", pb); }) == 0);
  CHECK(cpu_cgroup_of(b.pid()).find("fsched-b") != std::string::npos);
  // Out again needs write permission on the source: Bob opens b to all,
  // Alice still may not take Bob's process, and Bob may not leave a
  // group Alice closed.
  REQUIRE(as(kBob, [&] { return write_file(m + "0/tasks", pb); }) == 0);
  REQUIRE(as(kAlice, [&] { return chmod_errno(m + "0/a", 0777); }) == 0);
  REQUIRE(as(kBob, [&] { return write_file(m + "0/a/tasks", pb); }) == 0);
  REQUIRE(as(kAlice, [&] { return chmod_errno(m + "0/a", 0755); }) == 0);
  CHECK(as(kBob, [&] { return write_file(m + "0/tasks", pb); }) == EACCES);
  CHECK(exists(m + "0/a/" + pb));
  // Root moves anything.
  CHECK(write_file(m + "0/tasks", pb) == 0);
  CHECK(cpu_cgroup_of(b.pid()) == home_b);
}

TEST_CASE_METHOD(Mounted, "cpu.weight and scheduler belong to the parent's owner", "[delegation]") {
  REQUIRE(as(kAlice, [&] { return mkdir_errno(m + "0/a"); }) == 0);
  REQUIRE(as(kAlice, [&] { return mkdir_errno(m + "0/a/guest"); }) == 0);
  REQUIRE(chown_errno(m + "0/a/guest", kBob, kBob) == 0);
  CHECK(owner_of(m + "0/a/guest/cpu.weight").uid == kAlice);
  // Bob owns guest but cannot raise its share of Alice's CPU.
  CHECK(as(kBob, [&] { return write_file(m + "0/a/guest/cpu.weight", "10000"); }) == EACCES);
  CHECK(as(kBob, [&] { return write_file(m + "0/a/guest/scheduler", "idle"); }) == EACCES);
  CHECK(read_file(m + "0/a/guest/cpu.weight") == "100\n");
  CHECK(as(kAlice, [&] { return write_file(m + "0/a/guest/cpu.weight", "300"); }) == 0);
  CHECK(as(kAlice, [&] { return write_file(m + "0/a/guest/scheduler", "idle"); }) == 0);
  CHECK(read_file(m + "0/a/guest/cpu.weight") == "300\n");
  CHECK(read_file(m + "0/a/guest/scheduler") == "idle\n");
  // a itself sits in root's 0/: Alice cannot weigh it against others.
  CHECK(as(kAlice, [&] { return write_file(m + "0/a/cpu.weight", "10000"); }) == EACCES);
  CHECK(as(kAlice, [&] { return write_file(m + "0/cpu.weight", "200"); }) == EACCES);
  CHECK(write_file(m + "0/a/cpu.weight", "200") == 0);
}

TEST_CASE_METHOD(Mounted, "the daemon decides from the request, not the kernel's cache",
                 "[delegation]") {
  // A process that starts as Alice's and turns into Bob's on SIGUSR1.
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t p = ::fork();
  if (p == 0) {
    ::setsid();
    ::setresuid(kAlice, 0, 0);  // owned by Alice (real uid), still able to switch
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    [[maybe_unused]] auto n = ::write(ready[1], "x", 1);
    int sig;
    sigwait(&set, &sig);
    if (::setresgid(kBob, kBob, kBob) != 0 || ::setresuid(kBob, kBob, kBob) != 0) ::_exit(1);
    for (;;) ::pause();
  }
  char c;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  root.adopt(p);
  const std::string pid = s(p);
  REQUIRE(as(kAlice, [&] { return mkdir_errno(m + "0/a"); }) == 0);
  REQUIRE(wait_until([&] { return owner_of(m + "0/" + pid).uid == kAlice; }, 3));
  // The kernel now caches Alice as the owner of 0/<pid> for a second.
  ::kill(p, SIGUSR1);
  REQUIRE(wait_until(
      [&] { return fsched::read_proc_ids(p) && fsched::read_proc_ids(p)->uid == kBob; }, 3));
  CHECK(as(kAlice, [&] { return rename_errno(m + "0/" + pid, m + "0/a/" + pid); }) == EPERM);
  CHECK(as(kAlice, [&] { return write_file(m + "0/a/tasks", pid); }) == EPERM);
  CHECK(exists(m + "0/" + pid));
  ::kill(p, SIGKILL);
  ::waitpid(p, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_CASE("limits from mount options: mkdir answers EAGAIN", "[delegation][limits]") {
  TestRoot root;
  Daemon d(root.path(), {"max_depth=3", "max_groups_per_user=2", "max_groups=5"});
  d.start();
  const std::string m = d.mnt() + "/";
  REQUIRE(as_user(kAlice, [&] { return mkdir_errno(m + "0/a1"); }) == 0);
  REQUIRE(as_user(kAlice, [&] { return mkdir_errno(m + "0/a2"); }) == 0);
  CHECK(as_user(kAlice, [&] { return mkdir_errno(m + "0/a3"); }) == EAGAIN);
  CHECK_FALSE(exists(m + "0/a3"));
  REQUIRE(mkdir_errno(m + "0/r") == 0);
  REQUIRE(mkdir_errno(m + "0/r/s") == 0);
  REQUIRE(mkdir_errno(m + "0/r/s/t") == 0);
  CHECK(mkdir_errno(m + "0/r/s/t/u") == EAGAIN);
  CHECK(mkdir_errno(m + "0/r2") == EAGAIN);  // five groups already
  REQUIRE(as_user(kAlice, [&] { return rmdir_errno(m + "0/a2"); }) == 0);
  CHECK(mkdir_errno(m + "0/r2") == 0);
}
