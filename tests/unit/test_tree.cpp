#include <linux/fs.h>
#include <catch2/catch.hpp>

#include "log_capture.hpp"
#include "tree_fixture.hpp"

using namespace fsched;
using fsched::test::TreeFixture;

TEST_CASE_METHOD(TreeFixture, "a new group inherits its parent's policy, weight 100", "[tree]") {
  GroupId g = mk(kHostGroup, "guest");
  REQUIRE(tree.set_policy(g, "idle", root) == 0);
  GroupId sub = mk(g, "sub");
  CHECK(tree.group(sub)->settings.policy == Policy::idle);
  CHECK(tree.group(sub)->settings.weight == 100);
  CHECK(tree.group(sub)->settings.uid == 0);
  CHECK(backend.groups.count({"guest", "sub"}) == 1);
  CHECK(tree.path_of(sub) == GroupPath{"guest", "sub"});
}

TEST_CASE_METHOD(TreeFixture, "mkdir errnos", "[tree]") {
  mk(kHostGroup, "guest");
  GroupId id;
  CHECK(tree.make_group(kHostGroup, "guest", 0755, root, &id) == EEXIST);
  CHECK(tree.make_group(kHostGroup, "stats", 0755, root, &id) == EEXIST);
  CHECK(tree.make_group(kHostGroup, "42", 0755, root, &id) == EINVAL);
  CHECK(tree.make_group(kHostGroup, "", 0755, root, &id) == EINVAL);
  CHECK(tree.make_group(tree.child(kHostGroup, "guest").value(), "x", 0755, user, &id) == EACCES);
  CHECK(tree.make_group(999, "x", 0755, root, &id) == ENOENT);
}

TEST_CASE_METHOD(TreeFixture, "a failed backend call changes nothing", "[tree]") {
  GroupId g = mk(kHostGroup, "guest");
  backend.fail_next = EIO;
  GroupId id;
  CHECK(tree.make_group(kHostGroup, "other", 0755, root, &id) == EIO);
  CHECK_FALSE(tree.child(kHostGroup, "other"));

  backend.fail_next = EIO;
  CHECK(tree.move_process(100, g, root) == EIO);
  CHECK(tree.process(100)->group == kHostGroup);
  CHECK(tree.group(kHostGroup)->procs.count(100));

  backend.fail_next = EIO;
  CHECK(tree.set_weight(g, 300, root) == EIO);
  CHECK(tree.group(g)->settings.weight == 100);

  backend.fail_next = EIO;
  CHECK(tree.rename(kHostGroup, "guest", kHostGroup, "renamed", 0, root) == EIO);
  CHECK(tree.child(kHostGroup, "guest"));

  backend.fail_next = EBUSY;
  CHECK(tree.remove_group(kHostGroup, "guest", root) == EBUSY);
  CHECK(tree.child(kHostGroup, "guest"));
}

TEST_CASE_METHOD(TreeFixture, "moving a process and back", "[tree]") {
  GroupId g = mk(kHostGroup, "guest");
  REQUIRE(tree.move_process(101, g, root) == 0);
  CHECK(tree.process(101)->group == g);
  CHECK(backend.placement.at(101) == GroupPath{"guest"});
  auto changes = tree.drain_changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].parent == kHostGroup);
  CHECK(changes[0].name == "101");
  REQUIRE(tree.rename(g, "101", kHostGroup, "101", 0, root) == 0);
  CHECK(tree.process(101)->group == kHostGroup);
  CHECK(backend.placement.count(101) == 0);
}

TEST_CASE_METHOD(TreeFixture, "rename of a pid dir: the spec's errnos", "[tree]") {
  GroupId g = mk(kHostGroup, "guest");
  CHECK(tree.rename(kHostGroup, "100", g, "101", 0, root) == EINVAL);
  CHECK(tree.rename(kHostGroup, "100", g, "x", 0, root) == EINVAL);
  CHECK(tree.rename(kHostGroup, "555", g, "555", 0, root) == ENOENT);
  std::string huge(40, '9');
  CHECK(tree.rename(kHostGroup, huge, g, huge, 0, root) == ENOENT);
  CHECK(tree.rename(g, "100", kHostGroup, "100", 0, root) == ENOENT);  // not in g
  CHECK(tree.rename(kHostGroup, "100", g, "100", RENAME_EXCHANGE, root) == EINVAL);
  CHECK(tree.rename(kHostGroup, "100", kHostGroup, "100", RENAME_NOREPLACE, root) == EEXIST);
  CHECK(tree.rename(kHostGroup, "100", kHostGroup, "100", 0, root) == 0);
  CHECK(tree.rename(kHostGroup, "100", g, "100", 0, user) == EACCES);
  CHECK(tree.rename(kHostGroup, "100", g, "100", RENAME_NOREPLACE, root) == 0);
  CHECK(tree.process(100)->group == g);
}

TEST_CASE_METHOD(TreeFixture, "tasks writes: unknown, kernel thread, fresh process", "[tree]") {
  GroupId g = mk(kHostGroup, "guest");
  CHECK(tree.move_process(777, g, root) == ESRCH);
  outside[2] = info(2, 0, true);
  CHECK(tree.move_process(2, g, root) == EINVAL);
  outside[300] = info(300, 9000);
  CHECK(tree.move_process(300, g, root) == 0);  // forked after the last event
  CHECK(tree.process(300)->group == g);
}

TEST_CASE_METHOD(TreeFixture, "groups: rename, re-parent, never into themselves", "[tree]") {
  GroupId a = mk(kHostGroup, "a");
  GroupId b = mk(a, "b");
  GroupId c = mk(kHostGroup, "c");
  REQUIRE(tree.move_process(100, b, root) == 0);
  CHECK(tree.rename(kHostGroup, "a", b, "a", 0, root) == EINVAL);
  CHECK(tree.rename(kHostGroup, "a", a, "a", 0, root) == EINVAL);
  CHECK(tree.rename(kHostGroup, "a", kHostGroup, "c", 0, root) == EEXIST);
  CHECK(tree.rename(kHostGroup, "a", kHostGroup, "9", 0, root) == EINVAL);
  CHECK(tree.rename(kHostGroup, "a", kHostGroup, "tasks", 0, root) == EEXIST);
  CHECK(tree.rename(kHostGroup, "a", kHostGroup, "a", RENAME_NOREPLACE, root) == EEXIST);
  CHECK(tree.rename(kHostGroup, "stats", kHostGroup, "x", 0, root) == EPERM);
  CHECK(tree.rename(kHostGroup, "nope", kHostGroup, "x", 0, root) == ENOENT);

  REQUIRE(tree.rename(kHostGroup, "a", c, "a2", 0, root) == 0);
  CHECK(tree.path_of(b) == GroupPath{"c", "a2", "b"});
  CHECK(backend.placement.at(100) == GroupPath{"c", "a2", "b"});
  CHECK(backend.groups.count({"c", "a2", "b"}) == 1);
  CHECK(backend.groups.count({"a"}) == 0);
}

TEST_CASE_METHOD(TreeFixture, "rmdir: only empty guest groups", "[tree]") {
  GroupId g = mk(kHostGroup, "g");
  mk(g, "child");
  CHECK(tree.remove_group(kHostGroup, "g", root) == ENOTEMPTY);
  REQUIRE(tree.remove_group(g, "child", root) == 0);
  REQUIRE(tree.move_process(102, g, root) == 0);
  CHECK(tree.remove_group(kHostGroup, "g", root) == ENOTEMPTY);
  // Permission comes before emptiness, as in the kernel's rmdir.
  CHECK(tree.remove_group(kHostGroup, "g", user) == EPERM);
  REQUIRE(tree.move_process(102, kHostGroup, root) == 0);
  CHECK(tree.remove_group(kHostGroup, "g", user) == EPERM);
  CHECK(tree.remove_group(kHostGroup, "100", root) == EPERM);
  CHECK(tree.remove_group(kHostGroup, "stats", root) == ENOTDIR);
  CHECK(tree.remove_group(kHostGroup, "missing", root) == ENOENT);
  CHECK(tree.remove_group(kHostGroup, std::string(40, '9'), root) == ENOENT);
  REQUIRE(tree.remove_group(kHostGroup, "g", root) == 0);
  CHECK(backend.groups.empty());
}

TEST_CASE_METHOD(TreeFixture, "weights and policies", "[tree]") {
  GroupId g = mk(kHostGroup, "g");
  CHECK(tree.set_weight(kHostGroup, 50, root) == EPERM);
  CHECK(tree.set_weight(g, 0, root) == ERANGE);
  CHECK(tree.set_weight(g, 10001, root) == ERANGE);
  CHECK(tree.set_weight(g, 500, user) == EACCES);
  REQUIRE(tree.set_weight(g, 500, root) == 0);
  CHECK(backend.groups.at({"g"}).weight == 500);
  CHECK(tree.set_policy(g, "bogus", root) == EINVAL);
  CHECK(tree.set_policy(kHostGroup, "idle", root) == EINVAL);
  CHECK(tree.set_policy(kHostGroup, "fair", root) == 0);
  REQUIRE(tree.set_policy(g, "idle", root) == 0);
  CHECK(backend.groups.at({"g"}).policy == Policy::idle);
}

TEST_CASE_METHOD(TreeFixture, "forks follow their parent, exits disappear", "[tree]") {
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.move_process(100, g, root) == 0);
  tree.process_forked(info(200), 100);
  CHECK(tree.process(200)->group == g);
  CHECK(backend.placement.at(200) == GroupPath{"g"});
  tree.process_forked(info(201), 101);
  CHECK(tree.process(201)->group == kHostGroup);
  tree.drain_changes();
  tree.process_gone(200);
  CHECK_FALSE(tree.process(200));
  CHECK_FALSE(tree.group(g)->procs.count(200));
  CHECK(backend.placement.count(200) == 0);
  auto changes = tree.drain_changes();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].name == "200");
}

TEST_CASE_METHOD(TreeFixture, "a recycled pid is a new process", "[tree]") {
  auto again = info(101);
  again.start_time = 99999;
  tree.process_appeared(again, kHostGroup);
  CHECK(tree.process(101)->info.start_time == 99999);
}

TEST_CASE("load rebuilds groups and memberships from the backend", "[tree]") {
  MemoryBackend be;
  be.groups[{"a"}] = GroupSettings{300, Policy::fair, 9000, 9000, 0700, {}, {}};
  be.groups[{"a", "b"}] = GroupSettings{};
  be.groups[{"orphan", "x"}] = GroupSettings{};  // parent unknown: ignored
  be.placement[11] = {"a", "b"};
  Tree t(be, nullptr);
  ProcessInfo p;
  p.pid = 11;
  ProcessInfo q;
  q.pid = 12;
  t.load({p, q});
  auto b = t.find({"a", "b"});
  REQUIRE(b);
  CHECK(t.process(11)->group == *b);
  CHECK(t.process(12)->group == kHostGroup);
  CHECK(t.group(*t.find({"a"}))->settings.weight == 300);
  CHECK_FALSE(t.find({"orphan"}));
}

TEST_CASE_METHOD(TreeFixture, "chmod and chown of a group by root", "[tree]") {
  GroupId g = mk(kHostGroup, "g");
  CHECK(tree.chmod_group(g, 0700, user) == EPERM);
  REQUIRE(tree.chmod_group(g, 0700, root) == 0);
  CHECK(tree.group(g)->settings.mode == 0700);
  REQUIRE(tree.chown_group(g, 9000, static_cast<gid_t>(-1), root) == 0);
  CHECK(tree.group(g)->settings.uid == 9000);
  CHECK(tree.group(g)->settings.gid == 0);
  CHECK(backend.groups.at({"g"}).uid == 9000);
  CHECK(tree.chmod_group(kHostGroup, 0755, root) == EPERM);
}

namespace {
// A backend that refuses policy changes once told to; the change after a
// refusal fails with `then`.
struct PolicyRefusingBackend : MemoryBackend {
  int refuse = 0;
  int then = 0;
  int set_policy(const GroupPath& path, Policy policy) override {
    if (!refuse) return MemoryBackend::set_policy(path, policy);
    fail_next = then;
    return refuse;
  }
};

struct PolicyRefusingFixture : fsched::test::FakeProc {
  PolicyRefusingBackend backend;
  Tree tree{backend, [this](pid_t pid) { return pin(pid); }};
};
}  // namespace

TEST_CASE_METHOD(PolicyRefusingFixture,
                 "ensure_group leaves no half-made group when its policy is refused", "[tree]") {
  GroupId uf = 0;
  REQUIRE(tree.make_group(kHostGroup, "uf", 0755, Cred{}, &uf) == 0);
  REQUIRE(tree.set_policy(uf, "user-fair", Cred{}) == 0);
  backend.refuse = EPERM;
  GroupId out = 0;
  SECTION("the group made is removed") {
    CHECK(tree.ensure_group({"uf", "x", "y"}, &out) == EPERM);
    CHECK_FALSE(tree.find({"uf", "x"}));
    CHECK_FALSE(backend.groups.count({"uf", "x"}));
    // Made afresh, and fair, once the backend allows it.
    backend.refuse = 0;
    REQUIRE(tree.ensure_group({"uf", "x", "y"}, &out) == 0);
    CHECK(tree.group(*tree.find({"uf", "x"}))->settings.policy == Policy::fair);
    CHECK(backend.groups.at({"uf", "x"}).policy == Policy::fair);
    CHECK(out == *tree.find({"uf", "x", "y"}));
  }
  SECTION("a removal that fails too is logged") {
    backend.then = EBUSY;
    fsched::test::LogCapture logged;
    CHECK(tree.ensure_group({"uf", "x"}, &out) == EPERM);
    CHECK(logged.text().find("cannot remove 0/uf/x") != std::string::npos);
    CHECK(tree.find({"uf", "x"}));  // left as the backend has it
  }
}
