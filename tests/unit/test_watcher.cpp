// The watcher over a fake /proc: what it makes of the tree, and that it
// never reads /proc while holding the tree's lock exclusive (every FUSE
// request would wait for those reads).
#include <catch2/catch.hpp>

#include <future>
#include <shared_mutex>
#include <thread>

#include "fake_source.hpp"
#include "stats_book.hpp"
#include "tree_fixture.hpp"
#include "watcher.hpp"

using namespace fsched;
using fsched::test::FakeSource;
using fsched::test::TreeFixture;

namespace {

struct WatcherFixture : TreeFixture {
  std::shared_mutex mu;
  StatsBook stats;
  FakeSource source{*this, mu};
  int flushes = 0;
  Watcher watcher{tree, mu, stats, [this] { ++flushes; }, std::chrono::milliseconds(1000), source};
};

}  // namespace

TEST_CASE_METHOD(WatcherFixture, "a rescan finds new and gone processes and nice changes",
                 "[watcher]") {
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.move_process(101, g, root) == 0);
  outside.erase(102);                 // exited, its exit event lost
  outside[103] = info(103, 9000);     // forked, its fork event lost
  outside[101].nice = 5;              // reniced
  outside[100].start_time = 99;       // pid 100 is another process now
  watcher.rescan();
  CHECK_FALSE(tree.process(102));
  REQUIRE(tree.process(103));
  CHECK(tree.process(103)->info.uid == 9000);
  CHECK(tree.process(101)->info.nice == 5);
  CHECK(backend.nice[101] == 5);
  REQUIRE(tree.process(100));
  CHECK(tree.process(100)->info.start_time == 99);
  CHECK(flushes >= 1);
  CHECK(source.reads > 0);
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(WatcherFixture, "events: fork inherits the group, exit removes, uid follows",
                 "[watcher]") {
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.move_process(101, g, root) == 0);
  outside[200] = info(200, 0);
  outside[200].ppid = 101;
  outside.erase(102);
  outside[101].uid = 9001;
  watcher.handle_events({
      {ProcEvent::Kind::fork, 200, 200, 101},
      {ProcEvent::Kind::exit, 102, 102, 0},
      {ProcEvent::Kind::exit, 150, 101, 0},  // a thread of 101: 101 lives on
      {ProcEvent::Kind::uid, 101, 101, 0},
  });
  REQUIRE(tree.process(200));
  CHECK(tree.process(200)->group == g);
  CHECK(backend.placement[200] == GroupPath{"g"});
  CHECK_FALSE(tree.process(102));
  REQUIRE(tree.process(101));
  CHECK(tree.process(101)->info.uid == 9001);
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(WatcherFixture, "an exit and a fork of the same pid in one batch: the new one stays",
                 "[watcher]") {
  // 102 exited and its number went to a child of 101 before we read.
  outside[102] = info(102, 9000);
  outside[102].start_time = 5;
  outside[102].ppid = 101;
  watcher.handle_events({{ProcEvent::Kind::exit, 102, 102, 0},
                         {ProcEvent::Kind::fork, 102, 102, 101}});
  REQUIRE(tree.process(102));
  CHECK(tree.process(102)->info.start_time == 5);
  CHECK(tree.process(102)->info.uid == 9000);
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(WatcherFixture, "the safety net finds what events lost from the pid list alone",
                 "[watcher]") {
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.move_process(101, g, root) == 0);
  outside.erase(102);              // exited, its exit event lost
  outside[103] = info(103, 9000);  // forked, its fork event lost
  outside[101].nice = 5;           // reniced: not the net's business
  int reads_before = source.reads;
  watcher.safety_net();
  CHECK_FALSE(tree.process(102));
  REQUIRE(tree.process(103));
  CHECK(tree.process(103)->info.uid == 9000);
  CHECK(tree.process(101)->info.nice == 0);
  CHECK_FALSE(tree.process(2));  // the kernel thread
  CHECK(source.listings == 1);
  // Only the differences were read: 102 (gone?), 103 (new), 2 (what is it?),
  // each a stat and the new one's ids.
  CHECK(source.reads - reads_before == 4);
  // The kernel thread is remembered, nothing else differs: no more reads.
  reads_before = source.reads;
  watcher.safety_net();
  CHECK(source.reads == reads_before);
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(WatcherFixture, "nice levels are polled for guest-group members only",
                 "[watcher]") {
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.move_process(101, g, root) == 0);
  outside[101].nice = 7;
  outside[100].nice = 3;  // in 0: read when it is moved, not before
  watcher.check_nice();
  CHECK(source.nice_reads == 1);
  CHECK(tree.process(101)->info.nice == 7);
  CHECK(backend.nice[101] == 7);
  CHECK(tree.process(100)->info.nice == 0);
  REQUIRE(tree.move_process(100, g, root) == 0);
  CHECK(tree.process(100)->info.nice == 3);
  CHECK(backend.nice[100] == 3);
  CHECK(source.reads_under_exclusive_lock == 0);
}

TEST_CASE_METHOD(WatcherFixture, "an exec event reads the nice level `nice -n` set before it",
                 "[watcher]") {
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.move_process(101, g, root) == 0);
  outside[101].nice = 10;
  watcher.handle_events({{ProcEvent::Kind::exec, 101, 101, 0}});
  CHECK(tree.process(101)->info.nice == 10);
  CHECK(backend.nice[101] == 10);
}

TEST_CASE_METHOD(WatcherFixture, "shares are measured only for leased tiers, over real windows",
                 "[watcher][stats]") {
  using namespace std::chrono_literals;
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.move_process(101, g, root) == 0);
  auto t0 = std::chrono::steady_clock::now();
  // Nobody reads: nothing is measured, /proc is not read.
  int reads_before = source.reads;
  watcher.sample(stats.leased(t0), t0);
  CHECK(source.reads == reads_before);

  // A reader of a group's stats waits for one window of the group tier.
  backend.usage[{"g"}] = Usage{1'000'000, 0, 0};
  auto reader = std::async(std::launch::async, [&] {
    stats.await(kGroupTier, 5s);
    return stats.group_pct(g);
  });
  while (!(stats.leased(std::chrono::steady_clock::now()) & kGroupTier))
    std::this_thread::sleep_for(1ms);
  auto t1 = std::chrono::steady_clock::now();
  auto due = watcher.sample(kGroupTier, t1);  // starts the window
  CHECK(due == t1 + 1000ms);
  CHECK(source.reads == reads_before);  // groups cost no /proc read
  backend.usage[{"g"}] = Usage{1'250'000, 0, 0};
  watcher.sample(kGroupTier, t1 + 1000ms);
  CHECK(reader.get() == Approx(25.0));
  CHECK(stats.waits() == 1);

  // The process tier: one /proc read per process in the tree.
  source.ticks[101] = 100;
  watcher.sample(kProcessTier, t1 + 1000ms);
  source.ticks[101] = 150;  // 50 ticks = 0.5 s
  watcher.sample(kProcessTier, t1 + 2000ms);
  CHECK(stats.process_pct(101) == Approx(50.0));
  CHECK(stats.process_pct(100) == 0.0);

  // A lease that ran out drops the figures: the next reader waits afresh.
  stats.set_lease(10ms);
  std::this_thread::sleep_for(20ms);
  CHECK(stats.leased(std::chrono::steady_clock::now()) == 0);
  CHECK(stats.group_pct(g) == 0.0);
  CHECK(source.reads_under_exclusive_lock == 0);
}
