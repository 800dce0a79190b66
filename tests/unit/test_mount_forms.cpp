// The two command lines fschedfs is started with, and the mount table it
// reads to find its own dead mount; the /proc mount point's preconditions.
#include <unistd.h>
#include <catch2/catch.hpp>

#include "command_line.hpp"
#include "mount_table.hpp"
#include "proc_home.hpp"
#include "result.hpp"

using namespace fsched;

namespace {
CommandLine normalize(std::vector<const char*> argv) {
  return normalize_command_line(static_cast<int>(argv.size()), argv.data());
}
}  // namespace

TEST_CASE("by hand: MOUNTPOINT alone gets fsname and subtype fschedfs", "[mount-forms]") {
  auto l = normalize({"fschedfs", "-f", "-o", "backend=cgroup", "/run/sched-groups"});
  CHECK(l.source.empty());
  CHECK(l.args == std::vector<std::string>{"fschedfs", "-f", "-o", "backend=cgroup",
                                           "/run/sched-groups", "-ofsname=fschedfs",
                                           "-osubtype=fschedfs"});
}

TEST_CASE("mount.fuse3: SOURCE MOUNTPOINT -o OPTIONS", "[mount-forms]") {
  auto l = normalize({"fschedfs", "fschedfs", "/mnt", "-o", "rw,backend=cgroup"});
  CHECK(l.source == "fschedfs");
  CHECK(l.args == std::vector<std::string>{"fschedfs", "/mnt", "-o", "rw,backend=cgroup",
                                           "-ofsname=fschedfs", "-osubtype=fschedfs"});
  // A source with a comma stays one value for fuse_opt.
  CHECK(normalize({"fschedfs", "a,b", "/mnt"}).args[2] == "-ofsname=a\\,b");
}

TEST_CASE("an fsname or subtype given is kept", "[mount-forms]") {
  auto l = normalize({"fschedfs", "-ofsname=mine,subtype=x", "/mnt"});
  CHECK(l.args == std::vector<std::string>{"fschedfs", "-ofsname=mine,subtype=x", "/mnt"});
  // A key that merely ends in "fsname" is not fsname.
  auto m = normalize({"fschedfs", "-o", "notfsname=1", "/mnt"});
  CHECK(m.args.size() == 6);
}

TEST_CASE("mountinfo records: escapes undone, optional fields skipped", "[mount-forms]") {
  auto t = parse_mount_table(
      "44 26 0:39 / /tmp/a\\040b rw,nosuid shared:5 master:1 - fuse.fschedfs fschedfs "
      "rw,user_id=0\n"
      "garbage line\n"
      "30 1 0:25 /sub /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n");
  REQUIRE(t.size() == 2);
  CHECK(t[0].mount_point == "/tmp/a b");
  CHECK(t[0].fstype == "fuse.fschedfs");
  CHECK(t[0].source == "fschedfs");
  CHECK(t[1].root == "/sub");
  CHECK(t[1].super_options == "rw,cpu");
}

TEST_CASE("the top mount on a path is the last one mounted there", "[mount-forms]") {
  const char* table =
      "50 1 0:40 / /proc/sched-groups rw - tmpfs tmpfs rw\n"
      "51 50 0:41 / /proc/sched-groups rw - fuse.fschedfs fschedfs rw\n"
      "52 1 0:41 /schedulers /proc/schedulers rw - fuse.fschedfs fschedfs rw\n";
  auto top = top_mount(table, "/proc/sched-groups");
  REQUIRE(top);
  CHECK(top->fstype == "fuse.fschedfs");
  CHECK(top_mount(table, "/proc/schedulers")->root == "/schedulers");
  CHECK_FALSE(top_mount(table, "/proc/sched"));
}

TEST_CASE("the /proc home is only for /proc/sched-groups, and needs the module", "[mount-forms]") {
  for (const char* other :
       {"/run/sched-groups", "/proc/sched-groups-x", "/tmp/proc/sched-groups"}) {
    ProcHome home(other);
    CHECK_FALSE(home.active());
    home.attach();  // inert: binds nothing
    home.detach();
  }
  // This test host has no fsched_proc: its directory is missing.
  if (::access("/proc/sched-groups", F_OK) != 0) {
    for (const char* spelled :
         {"/proc/sched-groups", "/proc/sched-groups/", "/proc/./sched-groups"})
      CHECK_THROWS_WITH(ProcHome(spelled), Catch::Contains("load the kernel module first"));
  }
}
