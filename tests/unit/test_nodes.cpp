#include <catch2/catch.hpp>

#include "names.hpp"
#include "nodes.hpp"
#include "render.hpp"
#include "tree_fixture.hpp"

using namespace fsched;
using fsched::test::TreeFixture;

namespace {
std::vector<std::string> names(const FsContext& ctx, Node dir) {
  std::vector<DirEntry> entries;
  REQUIRE(list_dir(ctx, dir, &entries));
  std::vector<std::string> out;
  for (auto& e : entries) out.push_back(e.name);
  return out;
}
}  // namespace

TEST_CASE_METHOD(TreeFixture, "the tree's layout", "[nodes]") {
  FsContext ctx(tree);
  GroupId g = mk(kHostGroup, "guest");
  REQUIRE(tree.move_process(101, g, root) == 0);

  CHECK(names(ctx, Node{}) == std::vector<std::string>{".", "..", "schedulers", "usernice", "0"});
  CHECK(names(ctx, Node{NodeKind::schedulers_dir, 0, 0}) ==
        std::vector<std::string>{".", "..", "fair", "user-fair", "idle"});
  CHECK(names(ctx, Node{NodeKind::group_dir, kHostGroup, 0}) ==
        std::vector<std::string>{".", "..", "scheduler", "cpu.weight", "tasks", "stats", "guest",
                                 "100", "102"});
  CHECK(names(ctx, Node{NodeKind::pid_dir, 101, 0}) ==
        std::vector<std::string>{".", "..", "comm", "stats", "proc"});

  Node n;
  CHECK(resolve(ctx, Node{}, "0", &n) == 0);
  CHECK(resolve(ctx, Node{}, "usernice", &n) == 0);
  CHECK(n == Node{NodeKind::usernice_file, 0, 0});
  CHECK(resolve(ctx, Node{NodeKind::group_dir, kHostGroup, 0}, "101", &n) == ENOENT);
  REQUIRE(resolve(ctx, Node{NodeKind::group_dir, g, 0}, "101", &n) == 0);
  CHECK(n == Node{NodeKind::pid_dir, 101, 0});
  CHECK(resolve(ctx, Node{NodeKind::group_file, g, 0}, "x", &n) == ENOTDIR);
}

TEST_CASE_METHOD(TreeFixture, "a pid directory's proc link points at /proc/PID", "[nodes]") {
  FsContext ctx(tree);
  Node n;
  REQUIRE(resolve(ctx, Node{NodeKind::pid_dir, 100, 0}, "proc", &n) == 0);
  CHECK(n.is_link());
  CHECK_FALSE(n.is_dir());
  struct stat st;
  REQUIRE(node_stat(ctx, n, &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0777);
  CHECK(proc_link_target(100) == "/proc/100");
  CHECK(st.st_size == static_cast<off_t>(std::string("/proc/100").size()));
  CHECK(st.st_uid == outside[100].uid);
  // The link goes with its process.
  tree.process_gone(100);
  CHECK(node_stat(ctx, n, &st) == ENOENT);
  // Not a reserved name: a group may be called proc.
  CHECK(check_group_name("proc") == 0);
  CHECK(check_group_name("comm") == EEXIST);
}

TEST_CASE_METHOD(TreeFixture, "modes and owners as the spec gives them", "[nodes]") {
  FsContext ctx(tree);
  GroupId g = 0;
  REQUIRE(tree.make_group(kHostGroup, "g", 0750, root, &g) == 0);
  REQUIRE(tree.chown_group(g, 9000, 9000, root) == 0);
  struct stat st;
  REQUIRE(node_stat(ctx, Node{NodeKind::group_dir, kHostGroup, 0}, &st) == 0);
  CHECK((st.st_mode & 07777) == 01777);
  CHECK(st.st_uid == 0);
  REQUIRE(node_stat(ctx, Node{NodeKind::group_dir, g, 0}, &st) == 0);
  CHECK((st.st_mode & 07777) == 0750);
  CHECK(st.st_uid == 9000);
  // cpu.weight of g belongs to the owner of g's parent (root here).
  REQUIRE(node_stat(ctx, Node{NodeKind::group_file, g, 1}, &st) == 0);
  CHECK(st.st_uid == 0);
  outside[300] = info(300, 9001);
  tree.process_appeared(info(300, 9001), kHostGroup);
  REQUIRE(node_stat(ctx, Node{NodeKind::pid_dir, 300, 0}, &st) == 0);
  CHECK(st.st_uid == 9001);
  CHECK(node_generation(ctx, Node{NodeKind::pid_dir, 300, 0}) == 1300);
}

TEST_CASE_METHOD(TreeFixture, "group files render", "[nodes]") {
  GroupId g = mk(kHostGroup, "g");
  REQUIRE(tree.set_weight(g, 250, root) == 0);
  REQUIRE(tree.move_process(100, g, root) == 0);
  backend.usage[{"g"}] = Usage{5000, 4000, 1000};
  StatsBook stats;
  WindowFigures figures;
  figures.group_pct = {{g, 42.5}};
  figures.group_entitled = {{g, 50}};
  stats.publish(kAllTiers, std::move(figures));
  auto text = [&](GroupFile f) {
    return *render(tree, backend, stats,
                   Node{NodeKind::group_file, g, static_cast<std::uint8_t>(f)});
  };
  CHECK(text(GroupFile::cpu_weight) == "250\n");
  CHECK(text(GroupFile::scheduler) == "fair\n");
  CHECK(text(GroupFile::tasks) == "100\n");
  CHECK(text(GroupFile::stats) ==
        "usage_usec 5000\nuser_usec 4000\nsystem_usec 1000\ncpu_pct 42.50\nentitled_pct 50.00\n"
        "nr_tasks 1\n"
        "weight 250\nnr_groups 0\n");
  auto fair = render(tree, backend, stats, Node{NodeKind::scheduler_file, 0, 0});
  REQUIRE(fair);
  CHECK(fair->find("backends: memory") != std::string::npos);
}
