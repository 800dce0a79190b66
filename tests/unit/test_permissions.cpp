// The Permissions section of the spec, rule by rule, against the model.
// (tests/integration/test_delegation.cpp checks the same through the
// mounted filesystem, as real uids.)
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "permissions.hpp"
#include "log_capture.hpp"
#include "tree_fixture.hpp"

using namespace fsched;
using fsched::test::TreeFixture;

TEST_CASE("check_access: owner, group (supplementary too), other", "[perm]") {
  Cred u{9000, 9000, 1, {}};
  CHECK(check_access(S_IFDIR | 0700, 9000, 0, W_OK | X_OK, u) == 0);
  CHECK(check_access(S_IFDIR | 0070, 9000, 9000, R_OK, u) == EACCES);  // owner bits win
  CHECK(check_access(S_IFDIR | 0070, 0, 500, W_OK, u) == EACCES);
  int loads = 0;
  Cred v{9000, 9000, 1, [&] {
           ++loads;
           return std::vector<gid_t>{500};
         }};
  CHECK(check_access(S_IFDIR | 0700, 9000, 500, W_OK, v) == 0);
  CHECK(loads == 0);  // the owner's bits decided: the groups were never read
  CHECK(check_access(S_IFDIR | 0070, 0, 500, W_OK, v) == 0);
  CHECK(check_access(S_IFDIR | 0070, 0, 500, R_OK, v) == 0);
  CHECK(loads == 1);  // read once, then kept
  CHECK(check_access(S_IFDIR | 0007, 0, 0, R_OK | X_OK, u) == 0);
  Cred root{0, 0, 1, {}};
  CHECK(check_access(S_IFREG | 0444, 9000, 9000, W_OK, root) == 0);
  CHECK(check_access(S_IFREG | 0644, 9000, 9000, X_OK, root) == EACCES);
}

TEST_CASE_METHOD(TreeFixture, "0/ is 1777: anyone creates, only owners remove", "[perm]") {
  GroupId mine = mk(kHostGroup, "mine", &user);
  CHECK(tree.group(mine)->settings.uid == 9000);
  CHECK(tree.group(mine)->settings.gid == 9000);
  CHECK(tree.remove_group(kHostGroup, "mine", other) == EPERM);
  CHECK(tree.rename(kHostGroup, "mine", kHostGroup, "stolen", 0, other) == EPERM);
  GroupId theirs = mk(kHostGroup, "theirs", &other, 0777);
  CHECK(tree.rename(kHostGroup, "mine", theirs, "mine", 0, other) == EPERM);
  // Its owner may rename and re-parent it into a group they may write.
  REQUIRE(tree.rename(kHostGroup, "mine", kHostGroup, "renamed", 0, user) == 0);
  REQUIRE(tree.rename(kHostGroup, "renamed", theirs, "renamed", 0, user) == 0);
  CHECK(tree.path_of(mine) == GroupPath{"theirs", "renamed"});
  // The owner of a sticky directory may remove what others made in it.
  REQUIRE(tree.chmod_group(theirs, 01777, other) == 0);
  CHECK(tree.remove_group(theirs, "renamed", other) == 0);
  CHECK(tree.remove_group(kHostGroup, "theirs", root) == 0);
}

TEST_CASE_METHOD(TreeFixture, "a group's own mode decides who may work inside", "[perm]") {
  GroupId g = mk(kHostGroup, "g", &user);  // 0755
  GroupId id;
  CHECK(tree.make_group(g, "sub", 0755, other, &id) == EACCES);
  CHECK(tree.make_group(g, "sub", 0755, user, &id) == 0);
  // Without sticky, write permission on the parent is enough to remove.
  REQUIRE(tree.chmod_group(g, 0777, user) == 0);
  CHECK(tree.remove_group(g, "sub", other) == 0);
  // Group bits, reached through a supplementary group.
  REQUIRE(tree.chmod_group(g, 0770, user) == 0);
  REQUIRE(tree.chown_group(g, 9000, 4242, root) == 0);
  Cred member{9001, 9001, 3, [] { return std::vector<gid_t>{4242}; }};
  CHECK(tree.make_group(g, "team", 0755, other, &id) == EACCES);
  CHECK(tree.make_group(g, "team", 0755, member, &id) == 0);
}

TEST_CASE_METHOD(TreeFixture, "a setgid group hands down its gid", "[perm]") {
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.chown_group(g, 0, 4242, root) == 0);
  REQUIRE(tree.chmod_group(g, 02777, root) == 0);
  GroupId sub = mk(g, "sub", &user);
  CHECK(tree.group(sub)->settings.gid == 4242);
  CHECK(tree.group(sub)->settings.mode & S_ISGID);
  // chmod by a non-member drops setgid, as the kernel does.
  REQUIRE(tree.chmod_group(sub, 02755, user) == 0);
  CHECK_FALSE(tree.group(sub)->settings.mode & S_ISGID);
}

TEST_CASE_METHOD(TreeFixture, "chmod by the owner, chown by root only", "[perm]") {
  GroupId g = mk(kHostGroup, "g", &user);
  CHECK(tree.chmod_group(g, 0700, other) == EPERM);
  REQUIRE(tree.chmod_group(g, 0700, user) == 0);
  CHECK(backend.groups.at({"g"}).mode == 0700);
  CHECK(tree.chown_group(g, 9001, static_cast<gid_t>(-1), user) == EPERM);
  CHECK(tree.chown_group(g, 9001, static_cast<gid_t>(-1), other) == EPERM);
  CHECK(tree.chown_group(g, static_cast<uid_t>(-1), 4242, user) == EPERM);  // not a member
  Cred member{9000, 9000, 2, [] { return std::vector<gid_t>{4242}; }};
  CHECK(tree.chown_group(g, static_cast<uid_t>(-1), 4242, member) == 0);
  REQUIRE(tree.chown_group(g, 9001, static_cast<gid_t>(-1), root) == 0);
  CHECK(tree.group(g)->settings.uid == 9001);
}

TEST_CASE_METHOD(TreeFixture, "moving a process: its owner, write on both groups", "[perm]") {
  spawn(300, 9000);
  spawn(301, 9001);
  GroupId g = mk(kHostGroup, "g", &user);
  GroupId open = mk(kHostGroup, "open", &other, 0777);
  // Someone else's process: EPERM, even into a group the caller owns.
  CHECK(tree.move_process(301, g, user) == EPERM);
  CHECK(tree.rename(kHostGroup, "301", g, "301", 0, user) == EPERM);
  CHECK(tree.move_process(100, g, user) == EPERM);  // root's
  // One's own process into a group one may not write: EACCES.
  GroupId closed = mk(kHostGroup, "closed", &other);
  CHECK(tree.move_process(300, closed, user) == EACCES);
  // Allowed: own process, writable source and destination.
  REQUIRE(tree.move_process(300, g, user) == 0);
  REQUIRE(tree.rename(g, "300", open, "300", 0, user) == 0);
  CHECK(tree.process(300)->group == open);
  // The source must be writable too.
  REQUIRE(tree.move_process(301, closed, other) == 0);
  REQUIRE(tree.chmod_group(closed, 0755, other) == 0);
  CHECK(tree.process(301)->group == closed);
  Cred root_like_owner{9001, 9001, 3, {}};
  CHECK(tree.move_process(301, g, root_like_owner) == EACCES);  // g is 0755 of 9000
  // Root moves anything anywhere.
  REQUIRE(tree.move_process(301, g, root) == 0);
  CHECK(backend.placement.at(301) == GroupPath{"g"});
}

TEST_CASE_METHOD(TreeFixture, "a process's owner is read through the pin", "[perm]") {
  spawn(300, 9000);
  GroupId g = mk(kHostGroup, "g", &other, 0777);
  // It called setuid(9001) and the watcher has not said so yet.
  outside[300].uid = 9001;
  CHECK(tree.move_process(300, g, user) == EPERM);
  CHECK(tree.process(300)->info.uid == 9001);
  CHECK(tree.move_process(300, g, other) == 0);
}

TEST_CASE_METHOD(TreeFixture, "cpu.weight and scheduler belong to the parent's owner", "[perm]") {
  GroupId parent = mk(kHostGroup, "parent", &user);
  GroupId child = mk(parent, "child", &user);
  REQUIRE(tree.chown_group(child, 9001, 9001, root) == 0);
  // The child's owner cannot raise its own share.
  CHECK(tree.set_weight(child, 10000, other) == EACCES);
  CHECK(tree.set_policy(child, "idle", other) == EACCES);
  CHECK(tree.set_weight(child, 300, user) == 0);
  CHECK(tree.set_policy(child, "idle", user) == 0);
  // parent sits in 0/, owned by root: only root weighs it.
  CHECK(tree.set_weight(parent, 300, user) == EACCES);
  CHECK(tree.set_weight(parent, 300, root) == 0);
  CHECK(tree.set_weight(kHostGroup, 300, user) == EACCES);
  CHECK(tree.set_weight(kHostGroup, 300, root) == EPERM);
}

TEST_CASE_METHOD(TreeFixture, "a process that exits mid-move: ESRCH, nothing changed",
                 "[perm][pin]") {
  spawn(300, 9000);
  GroupId g = mk(kHostGroup, "g", &user);
  backend.before_move = [this](pid_t pid) { outside.erase(pid); };
  CHECK(tree.move_process(300, g, user) == ESRCH);
  CHECK_FALSE(tree.process(300));
  CHECK(tree.group(g)->procs.empty());
  CHECK(backend.placement.count(300) == 0);
}

TEST_CASE_METHOD(TreeFixture, "a pid reused mid-move: the new process is put back", "[perm][pin]") {
  spawn(300, 9000);
  GroupId g = mk(kHostGroup, "g", &user);
  backend.before_move = [this](pid_t pid) {
    auto q = info(pid, 9001);
    q.start_time = 777777;
    q.ppid = 101;  // in 0
    outside[pid] = q;
  };
  CHECK(tree.move_process(300, g, user) == ESRCH);
  backend.before_move = nullptr;
  REQUIRE(tree.process(300));
  CHECK(tree.process(300)->info.start_time == 777777);
  CHECK(tree.process(300)->group == kHostGroup);
  CHECK(backend.placement.count(300) == 0);
  CHECK(tree.group(g)->procs.empty());
}

TEST_CASE_METHOD(TreeFixture, "a pid reused mid-move that cannot be put back is logged",
                 "[perm][pin]") {
  spawn(300, 9000);
  spawn(400, 9001);
  GroupId g = mk(kHostGroup, "g", &user);
  GroupId h = mk(kHostGroup, "h");
  REQUIRE(tree.move_process(400, h, root) == 0);
  backend.before_move = [this](pid_t pid) {
    if (pid != 300) return;
    auto q = info(pid, 9001);
    q.start_time = 777777;
    q.ppid = 400;  // its parent is in h: that is where it belongs
    outside[pid] = q;
    backend.fail_next = EIO;  // ...but returning it there fails
  };
  fsched::test::LogCapture logged;
  CHECK(tree.move_process(300, g, user) == ESRCH);
  backend.before_move = nullptr;
  CHECK(logged.text().find("cannot return pid 300 to its parent's group") != std::string::npos);
  // The model says where the backend left it.
  REQUIRE(tree.process(300));
  CHECK(tree.process(300)->group != h);
}

TEST_CASE_METHOD(TreeFixture, "a stale pid directory never moves the pid's new owner",
                 "[perm][pin]") {
  spawn(300, 9000);
  GroupId g = mk(kHostGroup, "g", &user);
  REQUIRE(tree.move_process(300, g, user) == 0);
  // 300 exited and its number went to another process of the same user
  // before the watcher said so: g/300 names the dead one.
  auto q = info(300, 9000);
  q.start_time = 5;
  outside[300] = q;
  CHECK(tree.rename(g, "300", kHostGroup, "300", 0, user) == ESRCH);
  CHECK(tree.process(300)->info.start_time == 5);
  // A tasks write names whoever has the number now.
  CHECK(tree.move_process(300, g, user) == 0);
  CHECK(tree.process(300)->group == g);
}

TEST_CASE("limits: depth, groups per user, groups in all -> EAGAIN", "[perm][limits]") {
  TreeFixture f(Limits{3, 6, 1});
  GroupId id;
  GroupId a = f.mk(kHostGroup, "a");
  GroupId b = f.mk(a, "b");
  GroupId c = f.mk(b, "c");
  CHECK(f.tree.make_group(c, "d", 0755, f.root, &id) == EAGAIN);
  // Re-parenting cannot dig deeper than mkdir could.
  GroupId x = f.mk(kHostGroup, "x");
  f.mk(x, "y");
  CHECK(f.tree.rename(kHostGroup, "x", b, "x", 0, f.root) == EAGAIN);
  CHECK(f.tree.rename(kHostGroup, "x", a, "x", 0, f.root) == 0);
  // One group per non-root user; root is not counted.
  f.mk(kHostGroup, "u1", &f.user);
  CHECK(f.tree.make_group(kHostGroup, "u2", 0755, f.user, &id) == EAGAIN);
  CHECK_FALSE(f.tree.child(kHostGroup, "u2"));
  CHECK(f.backend.groups.count({"u2"}) == 0);
  // Six in all: a b c x y u1.
  CHECK(f.tree.make_group(kHostGroup, "z", 0755, f.root, &id) == EAGAIN);
  REQUIRE(f.tree.remove_group(kHostGroup, "u1", f.user) == 0);
  CHECK(f.tree.make_group(kHostGroup, "z", 0755, f.root, &id) == 0);
}
