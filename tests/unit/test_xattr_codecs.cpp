#include <catch2/catch.hpp>

#include "xattr_codecs.hpp"

using namespace fsched;

TEST_CASE("group settings survive their text form", "[settings]") {
  GroupSettings s;
  s.weight = 250;
  s.policy = Policy::idle;
  s.uid = 9000;
  s.gid = 9001;
  s.mode = 01750;
  auto back = parse_settings(format_settings(s));
  REQUIRE(back);
  CHECK(back->weight == 250);
  CHECK(back->policy == Policy::idle);
  CHECK(back->uid == 9000);
  CHECK(back->gid == 9001);
  CHECK(back->mode == 01750);
}

TEST_CASE("unknown keys are skipped, garbage is refused", "[settings]") {
  CHECK(parse_settings("weight=7 future=x")->weight == 7);
  CHECK_FALSE(parse_settings("weight=0"));
  CHECK_FALSE(parse_settings("weight=abc"));
  CHECK_FALSE(parse_settings("mode=99"));
  CHECK_FALSE(parse_settings("policy=bogus"));
  CHECK_FALSE(parse_settings("policy="));
}

TEST_CASE("a leaf's home survives its text form, with and without cpuacct", "[xattr]") {
  LeafHome both{"/sys/fs/cgroup/cpu/user.slice", "/sys/fs/cgroup/cpuacct/user.slice", ""};
  CHECK(format_home(both) == "/sys/fs/cgroup/cpu/user.slice\n/sys/fs/cgroup/cpuacct/user.slice");
  CHECK(parse_home(format_home(both)) == both);
  LeafHome cpu_only{"/sys/fs/cgroup/a", "", ""};
  CHECK(parse_home(format_home(cpu_only)) == cpu_only);
  LeafHome three{"/sys/fs/cgroup/cpu/a", "/sys/fs/cgroup/cpuacct/a", "/sys/fs/cgroup/cpuset/a"};
  CHECK(format_home(three) == "/sys/fs/cgroup/cpu/a\n/sys/fs/cgroup/cpuacct/a\n/sys/fs/cgroup/cpuset/a");
  CHECK(parse_home(format_home(three)) == three);
  // Written by a daemon that kept no cpuacct line.
  CHECK(parse_home("/sys/fs/cgroup/a") == cpu_only);
  CHECK_FALSE(parse_home(""));
  CHECK_FALSE(parse_home("\n/sys/fs/cgroup/cpuacct"));
}

TEST_CASE("a group's usage base survives its text form; garbage is refused", "[xattr]") {
  Usage u{123456789012ull, 1000, 42};
  CHECK(format_usage(u) == "123456789012 1000 42");
  auto back = parse_usage(format_usage(u));
  REQUIRE(back);
  CHECK(back->usage_usec == u.usage_usec);
  CHECK(back->user_usec == u.user_usec);
  CHECK(back->system_usec == u.system_usec);
  CHECK_FALSE(parse_usage(""));
  CHECK_FALSE(parse_usage("1 2"));
  CHECK_FALSE(parse_usage("a b c"));
}

TEST_CASE("usernice levels survive their text form; bad entries are skipped", "[xattr]") {
  std::map<uid_t, int> levels{{1000, 5}, {1001, -20}, {4000000000u, 19}};
  CHECK(format_usernice_levels(levels) == "1000 5\n1001 -20\n4000000000 19\n");
  CHECK(parse_usernice_levels(format_usernice_levels(levels)) == levels);
  CHECK(format_usernice_levels({{7, 0}}).empty());  // level 0 is the default: not kept
  CHECK(parse_usernice_levels("1 0\n2 20\n3 -21\n-4 1\n5 3\n") == std::map<uid_t, int>{{5, 3}});
  CHECK(parse_usernice_levels("").empty());
}
