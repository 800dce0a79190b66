// Caps (the spec's "Caps"): cpu.max and cpus as the tree checks them and
// the files show them; enforcement is the root and VM tests' business.
#include <catch2/catch.hpp>

#include "nodes.hpp"
#include "parse.hpp"
#include "render.hpp"
#include "tree_fixture.hpp"
#include "xattr_codecs.hpp"

using namespace fsched;
using fsched::test::TreeFixture;

namespace {
CpuSet cpus(const char* text) {
  auto s = parse_cpu_list(text);
  REQUIRE(s);
  return *s;
}

CpuMaxRequest max_req(const char* text) {
  auto r = parse_cpu_max(text);
  REQUIRE(r);
  return *r;
}

struct CapsFixture : TreeFixture {
  CapsFixture() { backend.online = cpus("0-3"); }
  std::string file(GroupId g, GroupFile f) {
    StatsBook stats;
    return render(tree, backend, stats, Node{NodeKind::group_file, g, static_cast<std::uint8_t>(f)})
        .value_or("<none>");
  }
};
}  // namespace

TEST_CASE("cpu lists read and print as the kernel's", "[caps]") {
  CHECK(format_cpu_list(cpus("0-3,6")) == "0-3,6");
  CHECK(format_cpu_list(cpus("6,0,1,2,3\n")) == "0-3,6");
  CHECK(format_cpu_list(cpus("")) == "");
  CHECK(format_cpu_list(cpus("7")) == "7");
  CHECK(cpus("0-1").subset_of(cpus("0-3")));
  CHECK_FALSE(cpus("0-4").subset_of(cpus("0-3")));
  CHECK((cpus("0-3") & cpus("2-5")) == cpus("2-3"));
  CHECK((cpus("0") | cpus("2")) == cpus("0,2"));
  for (const char* bad : {"a", "1-", "-1", "3-1", "1,,2", "1 2", "99999", "0x1"})
    CHECK_FALSE(parse_cpu_list(bad));
}

TEST_CASE("cpu.max writes parse as cgroup v2's", "[caps][parse]") {
  auto both = max_req("25000 100000\n");
  CHECK_FALSE(both.max);
  CHECK(both.quota_us == 25000);
  CHECK(both.period_us == 100000u);
  CHECK(max_req("max 50000").max);
  CHECK(max_req("max").max);
  CHECK_FALSE(max_req("5000").period_us);
  for (const char* bad : {"", "-5 100000", "5000 x", "abc", "max max", "5000 100000 7"})
    CHECK(parse_cpu_max(bad).error().code == EINVAL);
  CHECK(parse_cpus("0-1,x").error().code == EINVAL);
}

TEST_CASE("caps survive the settings' text form", "[caps][settings]") {
  GroupSettings s;
  s.cpu_max = CpuMax{25000, 50000};
  s.cpus = cpus("1,3");
  auto back = parse_settings(format_settings(s));
  REQUIRE(back);
  CHECK(back->cpu_max == s.cpu_max);
  CHECK(back->cpus == s.cpus);
  auto old = parse_settings("weight=100 policy=fair uid=0 gid=0 mode=755");
  REQUIRE(old);
  CHECK(old->cpu_max == CpuMax{});
  CHECK(old->cpus.empty());
  CHECK_FALSE(parse_settings("quota=0"));
  CHECK_FALSE(parse_settings("cpus=z"));
}

TEST_CASE_METHOD(CapsFixture, "cpu.max: values, ranges and who may write", "[caps][tree]") {
  GroupId g = mk(kHostGroup, "g");
  CHECK(file(g, GroupFile::cpu_max) == "max 100000\n");
  REQUIRE(tree.set_cpu_max(g, max_req("25000 100000"), root) == 0);
  CHECK(file(g, GroupFile::cpu_max) == "25000 100000\n");
  CHECK(backend.groups.at({"g"}).cpu_max == CpuMax{25000, 100000});
  // One number sets the quota and keeps the period.
  REQUIRE(tree.set_cpu_max(g, max_req("max 50000"), root) == 0);
  REQUIRE(tree.set_cpu_max(g, max_req("30000"), root) == 0);
  CHECK(file(g, GroupFile::cpu_max) == "30000 50000\n");
  CHECK(tree.set_cpu_max(g, max_req("999 100000"), root) == ERANGE);
  CHECK(tree.set_cpu_max(g, max_req("5000 999"), root) == ERANGE);
  CHECK(tree.set_cpu_max(g, max_req("max 1000001"), root) == ERANGE);
  CHECK(tree.set_cpu_max(g, max_req("17592186044416"), root) == ERANGE);
  CHECK(file(g, GroupFile::cpu_max) == "30000 50000\n");
  // As cpu.weight: the owner of the parent, here root's 0.
  CHECK(tree.set_cpu_max(g, max_req("max"), user) == EACCES);
  backend.fail_next = EIO;
  CHECK(tree.set_cpu_max(g, max_req("max"), root) == EIO);
  CHECK(file(g, GroupFile::cpu_max) == "30000 50000\n");
  CHECK(tree.set_cpu_max(kHostGroup, max_req("max"), root) == EPERM);
}

TEST_CASE_METHOD(CapsFixture, "cpus: within the parent's, narrowed with it", "[caps][tree]") {
  GroupId a = mk(kHostGroup, "a");
  GroupId b = mk(a, "b");
  CHECK(file(a, GroupFile::cpus) == "0-3\n");
  CHECK(tree.set_cpus(a, cpus("4"), root) == EINVAL);  // offline
  REQUIRE(tree.set_cpus(a, cpus("0-1"), root) == 0);
  CHECK(file(a, GroupFile::cpus) == "0-1\n");
  CHECK(file(b, GroupFile::cpus) == "0-1\n");
  CHECK(tree.set_cpus(b, cpus("2"), root) == EINVAL);  // outside the parent's
  REQUIRE(tree.set_cpus(b, cpus("1"), root) == 0);
  CHECK(file(b, GroupFile::cpus) == "1\n");
  // Narrowing the parent narrows the child; with nothing in common the
  // child runs on the parent's CPUs, and gets its own back when it widens.
  REQUIRE(tree.set_cpus(a, cpus("0"), root) == 0);
  CHECK(file(b, GroupFile::cpus) == "0\n");
  REQUIRE(tree.set_cpus(a, cpus(""), root) == 0);
  CHECK(file(a, GroupFile::cpus) == "0-3\n");
  CHECK(file(b, GroupFile::cpus) == "1\n");
  // All online CPUs is no limit.
  REQUIRE(tree.set_cpus(b, cpus("0-3"), root) == 0);
  CHECK(backend.groups.at({"a", "b"}).cpus.empty());
  CHECK(tree.set_cpus(b, cpus("0"), user) == EACCES);
  CHECK(tree.set_cpus(kHostGroup, cpus("0"), root) == EPERM);
}

TEST_CASE_METHOD(CapsFixture, "caps move with a group and come back after a restart",
                 "[caps][tree]") {
  GroupId a = mk(kHostGroup, "a");
  GroupId b = mk(kHostGroup, "b");
  REQUIRE(tree.set_cpus(a, cpus("0"), root) == 0);
  REQUIRE(tree.set_cpus(b, cpus("1-2"), root) == 0);
  REQUIRE(tree.set_cpu_max(b, max_req("20000 100000"), root) == 0);
  REQUIRE(tree.rename(kHostGroup, "b", a, "b", 0, root) == 0);
  auto moved = tree.find({"a", "b"});
  REQUIRE(moved);
  CHECK(file(*moved, GroupFile::cpus) == "0\n");  // the new parent's
  CHECK(file(*moved, GroupFile::cpu_max) == "20000 100000\n");
  CHECK(backend.groups.at({"a", "b"}).cpus == cpus("1-2"));

  Tree again(backend, [this](pid_t pid) { return pin(pid); });
  again.load({});
  auto found = again.find({"a", "b"});
  REQUIRE(found);
  CHECK(again.group(*found)->settings.cpu_max == CpuMax{20000, 100000});
  CHECK(again.group(*found)->settings.cpus == cpus("1-2"));
  CHECK(again.effective_cpus(*found) == cpus("0"));
}

TEST_CASE_METHOD(CapsFixture, "0 has no caps; a capped group's stats count throttling",
                 "[caps][nodes]") {
  FsContext ctx(tree);
  GroupId g = mk(kHostGroup, "g");
  Node n;
  CHECK(resolve(ctx, Node{NodeKind::group_dir, kHostGroup, 0}, "cpu.max", &n) == ENOENT);
  CHECK(resolve(ctx, Node{NodeKind::group_dir, kHostGroup, 0}, "cpus", &n) == ENOENT);
  REQUIRE(resolve(ctx, Node{NodeKind::group_dir, g, 0}, "cpu.max", &n) == 0);
  struct stat st;
  REQUIRE(node_stat(ctx, n, &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  std::vector<DirEntry> entries;
  REQUIRE(list_dir(ctx, Node{NodeKind::group_dir, g, 0}, &entries));
  int caps = 0;
  for (const auto& e : entries) caps += e.name == "cpu.max" || e.name == "cpus";
  CHECK(caps == 2);
  REQUIRE(list_dir(ctx, Node{NodeKind::group_dir, kHostGroup, 0}, &entries));
  for (const auto& e : entries) CHECK((e.name != "cpu.max" && e.name != "cpus"));

  CHECK(file(g, GroupFile::stats).find("nr_throttled") == std::string::npos);
  REQUIRE(tree.set_cpu_max(g, max_req("50000"), root) == 0);
  backend.throttling[{"g"}] = Throttling{40, 12, 345678};
  auto stats = file(g, GroupFile::stats);
  CHECK(stats.find("nr_periods 40\nnr_throttled 12\nthrottled_usec 345678\n") != std::string::npos);
}
