#include <catch2/catch.hpp>

#include "cgroup_mounts.hpp"

using namespace fsched;

namespace {
const char* kV1Split =
    "30 25 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:28 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "33 30 0:29 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
const char* kV1Comounted =
    "31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n";
const char* kV2 = "29 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

std::vector<std::string> no_v2_cpu(const std::string&) {
  return {"memory", "pids"};
}
std::vector<std::string> v2_cpu(const std::string&) {
  return {"cpu", "io", "memory"};
}
}  // namespace

TEST_CASE("mountinfo: cgroup mounts and their controllers", "[cgroup]") {
  auto m = parse_mountinfo(kV1Split);
  REQUIRE(m.size() == 3);
  CHECK(m[0].version == 1);
  CHECK(m[0].mount_point == "/sys/fs/cgroup/cpu");
  CHECK(m[0].has("cpu"));
  CHECK_FALSE(m[0].has("cpuacct"));
  CHECK(m[2].version == 2);
}

TEST_CASE("v1 with cpuacct apart: accounting is mirrored", "[cgroup]") {
  auto l = choose_layout(parse_mountinfo(kV1Split), "", no_v2_cpu);
  REQUIRE(l);
  CHECK(l->version == 1);
  CHECK(l->root == "/sys/fs/cgroup/cpu");
  REQUIRE(l->acct);
  CHECK(l->acct_root == "/sys/fs/cgroup/cpuacct");

  auto sub = choose_layout(parse_mountinfo(kV1Split), "/sys/fs/cgroup/cpu/tests/", no_v2_cpu);
  REQUIRE(sub);
  CHECK(sub->root == "/sys/fs/cgroup/cpu/tests");
  CHECK(sub->acct_root == "/sys/fs/cgroup/cpuacct/tests");
}

TEST_CASE("v1 with cpuset apart: the groups' cpus are mirrored", "[cgroup][caps]") {
  std::string mounts = std::string(kV1Split) +
                       "34 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n";
  auto l = choose_layout(parse_mountinfo(mounts), "/sys/fs/cgroup/cpu/tests", no_v2_cpu);
  REQUIRE(l);
  REQUIRE(l->cpuset);
  CHECK(l->cpuset_root == "/sys/fs/cgroup/cpuset/tests");
  auto none = choose_layout(parse_mountinfo(kV1Split), "", no_v2_cpu);
  REQUIRE(none);
  CHECK_FALSE(none->cpuset);
}

TEST_CASE("v2 with cpu wins over v1", "[cgroup]") {
  std::string both = std::string(kV2) + kV1Comounted;
  auto l = choose_layout(parse_mountinfo(both), "", v2_cpu);
  REQUIRE(l);
  CHECK(l->version == 2);
  CHECK(l->root == "/sys/fs/cgroup");
  CHECK_FALSE(l->acct);
}

TEST_CASE("co-mounted cpu,cpuacct needs no mirror", "[cgroup]") {
  auto l = choose_layout(parse_mountinfo(kV1Comounted), "", no_v2_cpu);
  REQUIRE(l);
  CHECK(l->version == 1);
  CHECK_FALSE(l->acct);
}

TEST_CASE("a cgroup_root outside a cpu hierarchy is refused", "[cgroup]") {
  CHECK(choose_layout(parse_mountinfo(kV1Split), "/tmp/x", no_v2_cpu).error().code == EINVAL);
  CHECK(choose_layout(parse_mountinfo(kV1Split), "/sys/fs/cgroup/unified/x", no_v2_cpu)
            .error()
            .code == EINVAL);
  CHECK(choose_layout({}, "", no_v2_cpu).error().code == ENOENT);
}

TEST_CASE("/proc/pid/cgroup lines", "[cgroup]") {
  const char* text = "12:cpuacct:/a\n11:cpu:/fsched-g/proc-1\n10:cpuset:/\n0::/user.slice\n";
  CHECK(*cgroup_path_in(text, 1, "cpu") == "/fsched-g/proc-1");
  CHECK(*cgroup_path_in(text, 1, "cpuacct") == "/a");
  CHECK(*cgroup_path_in(text, 2, "cpu") == "/user.slice");
  CHECK(*cgroup_path_in("4:cpu,cpuacct:/x\n", 1, "cpu") == "/x");
  CHECK_FALSE(cgroup_path_in("4:memory:/x\n", 1, "cpu"));
}
