// Children forked before their parent was placed follow it (placer.cpp,
// Placer::left_behind).
#include "placer_fixture.hpp"

using namespace fsched;
using fsched::test::PlacerFixture;

TEST_CASE_METHOD(PlacerFixture, "children forked before their parent was placed follow it",
                 "[placer]") {
  StatsBook stats;
  Watcher watcher{
      tree, mu, stats, [this] { tree.drain_changes(); }, std::chrono::milliseconds(1000), source};
  watcher.on_identity([&](const std::vector<pid_t>& pids) { placer.apply_to(pids); });
  placer.set_rules(rules("uid>=9000 0/users\n"));
  // 101 became uid 9000 and forked 200 at once, and 200 forked 201: all
  // reported in one batch, so the tree has the children where their parent
  // was born (0) when the rules place 101. Only a uid change or an exec of
  // their own would bring the rules to them.
  outside[101].uid = outside[101].gid = 9000;
  outside[200] = info(200, 9000);
  outside[200].ppid = 101;
  outside[201] = info(201, 9000);
  outside[201].ppid = 200;
  // An older process naming 101 as its parent is not its child: the child
  // of an earlier holder of the number, which nothing here places.
  outside[99] = info(99, 9000);
  outside[99].ppid = 101;
  tree.process_appeared(outside[99], kHostGroup);
  watcher.handle_events({
      {ProcEvent::Kind::uid, 101, 101, 0, 0},
      {ProcEvent::Kind::fork, 200, 200, 101, 0},
      {ProcEvent::Kind::fork, 201, 201, 200, 0},
  });
  CHECK(group_of(101) == at({"users"}));
  CHECK(group_of(200) == at({"users"}));
  CHECK(group_of(201) == at({"users"}));
  CHECK(group_of(99) == kHostGroup);
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(PlacerFixture, "placing a parent places its children left where it was",
                 "[placer]") {
  // As at start or reload: the reloader's list had 300 only; 301 and 302
  // were forked and reported before 300 was moved, 303 was then moved by
  // hand elsewhere.
  placer.set_rules(rules("uid>=9000 0/users\n"));
  GroupId g = mk(kHostGroup, "g");
  spawn(300, 9000);
  fork(301, 300, 9000);
  fork(302, 301, 9000);
  fork(303, 300, 9000);
  REQUIRE(tree.move_process(303, g, root, Placement::hand) == 0);
  auto sum = placer.apply_to({300});
  CHECK(group_of(300) == at({"users"}));
  CHECK(group_of(301) == at({"users"}));
  CHECK(group_of(302) == at({"users"}));
  CHECK(group_of(303) == g);
  CHECK(sum.moved == 3);
  CHECK(source.reads_under_exclusive_lock == 0);
}
