// The watcher over a fake /proc: what it makes of the tree, and that it
// never reads /proc while holding the tree's lock exclusive (every FUSE
// request would wait for those reads).
#include <catch2/catch.hpp>

#include <future>
#include <shared_mutex>

#include "stats_book.hpp"
#include "tree_fixture.hpp"
#include "watcher.hpp"

using namespace fsched;
using fsched::test::TreeFixture;

namespace {

// Serves FakeProc's processes; each read notes whether some thread held
// the lock exclusive at that moment (asked from another thread, since
// try_lock_shared on a mutex the caller holds is undefined).
class FakeSource : public ProcSource {
 public:
  FakeSource(const test::FakeProc& proc, std::shared_mutex& mu) : proc_(proc), mu_(mu) {}

  std::unordered_map<pid_t, ProcStat> list() override {
    note();
    std::unordered_map<pid_t, ProcStat> out;
    for (const auto& [pid, info] : proc_.outside) out.emplace(pid, stat_of(info));
    return out;
  }
  std::optional<ProcStat> stat(pid_t pid) override {
    note();
    auto it = proc_.outside.find(pid);
    if (it == proc_.outside.end()) return std::nullopt;
    return stat_of(it->second);
  }
  std::optional<ProcIds> ids(pid_t pid) override {
    note();
    auto it = proc_.outside.find(pid);
    if (it == proc_.outside.end()) return std::nullopt;
    return ProcIds{it->second.uid, it->second.gid};
  }

  int reads = 0;
  int reads_under_exclusive_lock = 0;

 private:
  static ProcStat stat_of(const ProcessInfo& info) {
    ProcStat st;
    st.pid = info.pid;
    st.ppid = info.ppid;
    st.state = 'S';
    st.nice = info.nice;
    st.start_time = info.start_time;
    return st;
  }
  void note() {
    ++reads;
    bool free = std::async(std::launch::async, [this] {
                  if (!mu_.try_lock_shared()) return false;
                  mu_.unlock_shared();
                  return true;
                }).get();
    if (!free) ++reads_under_exclusive_lock;
  }
  const test::FakeProc& proc_;
  std::shared_mutex& mu_;
};

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
