// The placer over the unit tests' tree, a fake /proc and rules given as
// text: shared by test_placer.cpp and test_placer_children.cpp.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "fake_source.hpp"
#include "placer.hpp"
#include "rules_fixture.hpp"
#include "stats_book.hpp"
#include "tree_fixture.hpp"
#include "watcher.hpp"

namespace fsched::test {

struct PlacerFixture : TreeFixture {
  std::shared_mutex mu;
  FakeSource source{*this, mu};
  int flushes = 0;
  Placer placer{tree, mu,
                [this] {
                  ++flushes;
                  tree.drain_changes();
                },
                source};

  static std::shared_ptr<const RuleSet> rules(std::string_view text) {
    auto parsed = parse_rules(text, test::fake_names(), "test");
    INFO((parsed ? std::string() : parsed.error().message));
    REQUIRE(parsed);
    return std::make_shared<const RuleSet>(std::move(*parsed));
  }
  GroupId at(const GroupPath& path) {
    auto id = tree.find(path);
    REQUIRE(id);
    return *id;
  }
  GroupId group_of(pid_t pid) {
    const Process* p = tree.process(pid);
    REQUIRE(p);
    return p->group;
  }
  Placement placement_of(pid_t pid) {
    const Process* p = tree.process(pid);
    REQUIRE(p);
    return p->placement;
  }
  // A time after the process's last move, as the connector would report
  // an exec made after it.
  std::uint64_t after_move(pid_t pid) {
    const Process* p = tree.process(pid);
    REQUIRE(p);
    return p->placed_ns + 1;
  }
  void fork(pid_t child, pid_t parent, uid_t uid) {
    outside[child] = info(child, uid);
    outside[child].ppid = parent;
    tree.process_forked(outside[child], parent);
  }
};

inline void check_rule_group(const MemoryBackend& backend, const GroupPath& path) {
  INFO(join_path(path));
  auto it = backend.groups.find(path);
  REQUIRE(it != backend.groups.end());
  CHECK(it->second.uid == 0);
  CHECK(it->second.gid == 0);
  CHECK((it->second.mode & 07777) == 0755);
  CHECK(it->second.policy == Policy::fair);
}

}  // namespace fsched::test
