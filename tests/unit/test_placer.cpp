// The placer over a fake /proc: which processes the rules move and which
// they must leave (hand and sticky placements), the groups they make, and
// that /proc is never read while the tree's lock is held exclusive.
#include "placer_fixture.hpp"

using namespace fsched;
using fsched::test::check_rule_group;
using fsched::test::PlacerFixture;

TEST_CASE_METHOD(PlacerFixture, "set_rules makes every rule group, root's, 0755, fair",
                 "[placer]") {
  GroupId uf = mk(kHostGroup, "uf");
  REQUIRE(tree.set_policy(uf, "user-fair", root) == 0);
  // No process matches any rule: the groups are made all the same.
  auto sum =
      placer.set_rules(rules("uid=1000 0/a/b\nuid=1001 0/c\nuid=1002 0/uf/x\nuid=1003 0/a\n"));
  CHECK(sum.moved == 0);
  CHECK(sum.failed == 0);
  check_rule_group(backend, {"a"});  // the missing parent of 0/a/b too
  check_rule_group(backend, {"a", "b"});
  check_rule_group(backend, {"c"});
  check_rule_group(backend, {"uf", "x"});  // not user-fair like its parent
  CHECK(tree.group(at({"uf", "x"}))->settings.policy == Policy::fair);
  CHECK(tree.group(at({"a", "b"}))->parent == at({"a"}));
  CHECK(backend.groups.at({"uf"}).policy == Policy::user_fair);
  CHECK(flushes >= 1);
  // A reload finds them there: nothing made twice, nothing fails.
  sum = placer.set_rules(rules("uid=1000 0/a/b\n"));
  CHECK(sum.failed == 0);
  CHECK(tree.find({"c"}));  // a group a rule no longer names stays
}

TEST_CASE_METHOD(PlacerFixture, "set_rules moves what matches; the first matching line wins",
                 "[placer]") {
  spawn(200, 1000);
  spawn(201, 1001);
  spawn(202, 1002);
  spawn(203, 500);
  spawn(204, 1003);
  spawn(205, 1004);
  spawn(206, 600);
  source.comms[204] = "make";
  source.groups[205] = {2000};  // students, supplementary
  source.exes[206] = "/usr/bin/python3";
  auto sum =
      placer.set_rules(rules("uid=1000 0/a\n"
                             "uid=1001 0\n"  // keeps 1001 in 0 before the broader rule below
                             "comm=make 0/builds\n"
                             "group=students 0/students\n"
                             "exe=/usr/bin/python3 0/py\n"
                             "uid>=1000 0/b\n"));
  CHECK(group_of(200) == at({"a"}));
  CHECK(backend.placement.at(200) == GroupPath{"a"});
  CHECK(group_of(201) == kHostGroup);
  CHECK_FALSE(backend.placement.count(201));
  CHECK(group_of(202) == at({"b"}));
  CHECK(group_of(203) == kHostGroup);  // no line holds: not moved
  CHECK(group_of(204) == at({"builds"}));
  CHECK(group_of(205) == at({"students"}));
  CHECK(group_of(206) == at({"py"}));
  for (pid_t pid : {100, 101, 102}) CHECK(group_of(pid) == kHostGroup);
  CHECK(sum.looked == 10);
  CHECK(sum.moved == 5);
  CHECK(sum.failed == 0);
  // A rule's move is still the rules': a reload may move it on.
  CHECK(placement_of(200) == Placement::rule);
  sum = placer.set_rules(rules("uid=1000 0/c\n"));
  CHECK(group_of(200) == at({"c"}));
  CHECK(group_of(202) == at({"b"}));  // no line holds now: left where it is
  CHECK(sum.moved == 1);
  // Applied again, nothing to do.
  sum = placer.apply_to({200, 201, 202});
  CHECK(sum.looked == 3);
  CHECK(sum.moved == 0);
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(PlacerFixture, "a move by hand holds over reload and uid change until an exec",
                 "[placer]") {
  GroupId g = mk(kHostGroup, "g");
  spawn(200, 1000);
  spawn(201, 1000);
  REQUIRE(tree.move_process(200, g, root, Placement::hand) == 0);
  REQUIRE(tree.rename(kHostGroup, "201", g, "201", 0, root) == 0);  // mv 0/201 0/g/
  CHECK(placement_of(200) == Placement::hand);
  CHECK(placement_of(201) == Placement::hand);

  placer.set_rules(rules("uid=1000 0/a\nuid=1001 0/b\n"));  // start or reload
  CHECK(group_of(200) == g);
  CHECK(group_of(201) == g);

  outside[200].uid = outside[200].gid = 1001;  // setuid: the rules are asked again
  tree.process_ids_changed(200, 1001, 1001);
  auto sum = placer.apply_to({200, 201});
  CHECK(sum.moved == 0);
  CHECK(group_of(200) == g);
  CHECK(group_of(201) == g);

  // An exec made before the move, reported after it, is not the next exec.
  tree.process_execed(200, 1);
  CHECK(placement_of(200) == Placement::hand);
  placer.apply_to({200});
  CHECK(group_of(200) == g);

  // The next exec ends the hand placement.
  tree.process_execed(200, after_move(200));
  tree.process_execed(201, after_move(201));
  CHECK(placement_of(200) == Placement::rule);
  sum = placer.apply_to({200, 201});
  CHECK(sum.moved == 2);
  CHECK(group_of(200) == at({"b"}));
  CHECK(group_of(201) == at({"a"}));
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(PlacerFixture, "sticky holds over exec, uid change and reload", "[placer]") {
  GroupId g = mk(kHostGroup, "g");
  spawn(200, 1000);
  // `echo $$ > tasks` (root's shell, which may write any group's tasks).
  REQUIRE(tree.move_process(200, g, root, Placement::sticky) == 0);
  placer.set_rules(rules("uid=1000 0/a\nuid=1001 0/b\n"));
  CHECK(group_of(200) == g);
  tree.process_execed(200, after_move(200));
  tree.process_execed(200, 0);
  CHECK(placement_of(200) == Placement::sticky);
  placer.apply_to({200});
  CHECK(group_of(200) == g);
  outside[200].uid = outside[200].gid = 1001;
  tree.process_ids_changed(200, 1001, 1001);
  placer.apply_to({200});
  CHECK(group_of(200) == g);
  placer.set_rules(rules("uid=1001 0/c\n"));
  CHECK(group_of(200) == g);
  CHECK(placement_of(200) == Placement::sticky);
}

TEST_CASE_METHOD(PlacerFixture, "a child of a sticky or hand parent inherits its placement",
                 "[placer]") {
  GroupId s = mk(kHostGroup, "s");
  GroupId h = mk(kHostGroup, "h");
  spawn(200, 1000);
  spawn(201, 1000);
  REQUIRE(tree.move_process(200, s, root, Placement::sticky) == 0);
  REQUIRE(tree.move_process(201, h, root, Placement::hand) == 0);
  fork(300, 200, 1000);
  fork(301, 201, 1000);
  CHECK(group_of(300) == s);
  CHECK(group_of(301) == h);
  CHECK(placement_of(300) == Placement::sticky);
  CHECK(placement_of(301) == Placement::hand);

  placer.set_rules(rules("uid=1000 0/a\n"));
  CHECK(group_of(300) == s);
  CHECK(group_of(301) == h);
  placer.apply_to({300, 301});  // as after a uid change
  CHECK(group_of(300) == s);
  CHECK(group_of(301) == h);

  // The child's own exec: the sticky one stays, the hand one is the rules'.
  tree.process_execed(300, 0);
  tree.process_execed(301, 0);
  auto sum = placer.apply_to({300, 301});
  CHECK(sum.moved == 1);
  CHECK(group_of(300) == s);
  CHECK(group_of(301) == at({"a"}));
  CHECK(group_of(200) == s);
  CHECK(group_of(201) == h);
}

TEST_CASE_METHOD(PlacerFixture, "adopt_existing leaves guest-group members as placed by hand",
                 "[placer]") {
  GroupId g = mk(kHostGroup, "g");
  // What a restarted daemon finds: members of g it did not see moved.
  outside[200] = info(200, 1000);
  outside[201] = info(201, 1000);
  tree.process_appeared(outside[200], g);
  tree.process_appeared(outside[201], kHostGroup);
  REQUIRE(placement_of(200) == Placement::rule);
  placer.adopt_existing();
  CHECK(placement_of(200) == Placement::hand);
  CHECK(placement_of(201) == Placement::rule);
  CHECK(placement_of(100) == Placement::rule);
  placer.set_rules(rules("uid=1000 0/a\n"));
  CHECK(group_of(200) == g);
  CHECK(group_of(201) == at({"a"}));
}

TEST_CASE_METHOD(PlacerFixture, "without rules nothing is read or moved", "[placer]") {
  spawn(200, 1000);
  SECTION("none") {
    auto sum = placer.set_rules(nullptr);
    CHECK(sum.looked == 0);
    CHECK_FALSE(placer.rules());
  }
  SECTION("an empty file") {
    auto sum = placer.set_rules(rules("# nothing yet\n\n"));
    CHECK(sum.looked == 0);
    REQUIRE(placer.rules());
    CHECK(placer.rules()->empty());
  }
  SECTION("rules taken away") {
    placer.set_rules(rules("uid=2000 0/a\n"));
    placer.set_rules(nullptr);
  }
  const int reads = source.reads;
  auto sum = placer.apply_to({100, 101, 200});
  CHECK(sum.looked == 0);
  CHECK(sum.moved == 0);
  CHECK(source.reads == reads);
  CHECK(group_of(200) == kHostGroup);
}

TEST_CASE_METHOD(PlacerFixture, "the placer never reads /proc under the exclusive lock",
                 "[placer]") {
  std::vector<pid_t> pids;
  for (pid_t pid = 1000; pid < 1100; ++pid) {  // more than one batch
    spawn(pid, static_cast<uid_t>(1000 + pid % 3));
    source.comms[pid] = pid % 2 ? "odd" : "even";
    source.exes[pid] = "/bin/x";
    pids.push_back(pid);
  }
  auto sum = placer.set_rules(rules("comm=odd uid=1000 0/o\nexe=/bin/x uid>=1001 0/x\n"));
  CHECK(sum.looked == 103);
  CHECK(sum.moved > 32);
  CHECK(source.reads > 0);
  for (pid_t pid : pids) {
    const bool odd_1000 = pid % 2 && pid % 3 == 0;
    if (pid % 3 == 0)
      CHECK(group_of(pid) == (odd_1000 ? at({"o"}) : kHostGroup));
    else
      CHECK(group_of(pid) == at({"x"}));
  }
  for (pid_t pid : pids) tree.process_execed(pid, 0);
  placer.set_rules(rules("uid>=1000 0/all\n"));
  sum = placer.apply_to(pids);
  CHECK(sum.moved == 0);  // the reload already did it
  for (pid_t pid : pids) CHECK(group_of(pid) == at({"all"}));
  CHECK(source.reads_under_exclusive_lock == 0);
  // The count this test relies on, checked itself.
  {
    std::unique_lock lock(mu);
    CHECK(source.stat(100));
  }
  CHECK(source.reads_under_exclusive_lock == 1);
}

TEST_CASE_METHOD(PlacerFixture, "a pid reused after its facts were read is not placed",
                 "[placer]") {
  spawn(200, 1000);
  // 200 exits once the placer has read its owner, and another user's
  // process gets its number before the move; the watcher has not said so.
  bool reused = false;
  source.after_ids = [&](pid_t pid) {
    if (pid != 200 || reused) return;
    reused = true;
    ProcessInfo next = info(200, 2000);
    next.start_time = outside[200].start_time + 1;
    outside[200] = next;
  };
  auto sum = placer.set_rules(rules("uid=1000 0/a\n"));
  REQUIRE(reused);
  CHECK(sum.moved == 0);
  CHECK(sum.failed == 0);
  CHECK_FALSE(backend.placement.count(200));
  CHECK(tree.group(at({"a"}))->procs.empty());
  // The new process's own facts do not match: asked again, it stays.
  sum = placer.apply_to({200});
  CHECK(sum.moved == 0);
  CHECK_FALSE(backend.placement.count(200));
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(PlacerFixture, "a failed move is counted and leaves the process where it was",
                 "[placer]") {
  spawn(200, 1000);
  SECTION("at set_rules") {
    mk(kHostGroup, "a");  // already there: the next backend change is the move
    backend.fail_next = EIO;
    auto sum = placer.set_rules(rules("uid=1000 0/a\n"));
    CHECK(sum.failed == 1);
    CHECK(sum.moved == 0);
  }
  SECTION("at apply_to") {
    placer.set_rules(rules("uid=2000 0/a\n"));
    outside[200].uid = outside[200].gid = 2000;
    backend.fail_next = EIO;
    auto sum = placer.apply_to({200});
    CHECK(sum.failed == 1);
    CHECK(sum.moved == 0);
  }
  CHECK(group_of(200) == kHostGroup);
  CHECK_FALSE(backend.placement.count(200));
  CHECK(placement_of(200) == Placement::rule);
  CHECK(tree.group(at({"a"}))->procs.empty());
  // The failure is not remembered against the process: the next try moves it.
  auto sum = placer.apply_to({200});
  CHECK(sum.failed == 0);
  CHECK(sum.moved == 1);
  CHECK(group_of(200) == at({"a"}));
}

TEST_CASE_METHOD(PlacerFixture, "a rule group that could not be made is tried again when needed",
                 "[placer]") {
  spawn(200, 1000);
  backend.fail_next = EIO;  // taken by making 0/a at set_rules
  placer.set_rules(rules("uid=2000 0/a\n"));
  CHECK_FALSE(tree.find({"a"}));
  // The group is tried again when a process needs it.
  outside[200].uid = outside[200].gid = 2000;
  auto sum = placer.apply_to({200});
  CHECK(sum.moved == 1);
  CHECK(group_of(200) == at({"a"}));
}

TEST_CASE_METHOD(PlacerFixture, "the watcher tells each new identity once, and the rules follow",
                 "[placer]") {
  StatsBook stats;
  Watcher watcher{
      tree, mu, stats, [this] { tree.drain_changes(); }, std::chrono::milliseconds(1000), source};
  std::vector<std::vector<pid_t>> told;
  watcher.on_identity([&](const std::vector<pid_t>& pids) {
    told.push_back(pids);
    placer.apply_to(pids);
  });
  placer.set_rules(rules("uid=1001 0/b\nuid=1000 0/a\n"));
  GroupId g = mk(kHostGroup, "g");
  spawn(200, 1000);
  REQUIRE(tree.move_process(200, g, root, Placement::hand) == 0);
  const std::uint64_t later = after_move(200);
  outside[101].uid = outside[101].gid = 1001;
  watcher.handle_events({
      {ProcEvent::Kind::uid, 101, 101, 0, 0},
      {ProcEvent::Kind::exec, 101, 101, 0, 0},
      {ProcEvent::Kind::exec, 200, 200, 0, later},
      {ProcEvent::Kind::exec, 200, 200, 0, later},  // a second exec of it
      {ProcEvent::Kind::uid, 150, 102, 0, 0},       // a thread of 102: not a process's change
  });
  REQUIRE(told.size() == 1);
  std::vector<pid_t> pids = told[0];
  std::sort(pids.begin(), pids.end());
  CHECK(pids == std::vector<pid_t>{101, 200});
  CHECK(group_of(101) == at({"b"}));
  CHECK(group_of(200) == at({"a"}));  // its exec ended the hand placement
  CHECK(group_of(102) == kHostGroup);

  // Events that change no identity tell nothing.
  told.clear();
  outside[300] = info(300, 1000);
  outside[300].ppid = 100;
  watcher.handle_events({{ProcEvent::Kind::fork, 300, 300, 100, 0}});
  CHECK(told.empty());
  CHECK(source.reads_under_exclusive_lock == 0);
}
