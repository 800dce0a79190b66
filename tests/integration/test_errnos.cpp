// Every errno of the spec's operations table, through the real syscalls.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <string>

#include "harness.hpp"

using namespace it;

TEST_CASE_METHOD(MountedTree, "mkdir", "[errno]") {
  CHECK(mkdir_errno(d.path("0/guest")) == 0);
  CHECK(mkdir_errno(d.path("0/guest/nested.deeper-1_x")) == 0);
  CHECK(mkdir_errno(d.path("0/guest")) == EEXIST);
  for (const char* reserved : {"scheduler", "cpu.weight", "tasks", "stats", "comm"})
    CHECK(mkdir_errno(d.path(std::string("0/") + reserved)) == EEXIST);
  CHECK(mkdir_errno(d.path("0/12345")) == EINVAL);
  CHECK(mkdir_errno(d.path("0/.hidden")) == EINVAL);
  CHECK(mkdir_errno(d.path("0/" + std::string(65, 'x'))) == EINVAL);
  CHECK(mkdir_errno(d.path("0/" + std::string(64, 'x'))) == 0);
  CHECK(mkdir_errno(d.path("0/sp ace")) == EINVAL);
  CHECK(mkdir_errno(d.path("0/a:b")) == EINVAL);
  CHECK(mkdir_errno(d.path("newtop")) == EPERM);
  CHECK(mkdir_errno(d.path("schedulers/x")) == EPERM);
  CHECK(mkdir_errno(d.path("0/" + s(getpid()) + "/x")) == EPERM);
}

TEST_CASE_METHOD(MountedTree, "rmdir", "[errno]") {
  Hog h;
  root.adopt(h.pid());
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  REQUIRE(mkdir_errno(d.path("0/g/child")) == 0);
  CHECK(rmdir_errno(d.path("0/g")) == ENOTEMPTY);
  CHECK(rmdir_errno(d.path("0/g/child")) == 0);
  REQUIRE(write_file(d.path("0/g/tasks"), s(h.pid())) == 0);
  CHECK(rmdir_errno(d.path("0/g")) == ENOTEMPTY);
  REQUIRE(write_file(d.path("0/tasks"), s(h.pid())) == 0);
  CHECK(rmdir_errno(d.path("0/g")) == 0);
  CHECK(rmdir_errno(d.path("0")) == EPERM);
  CHECK(rmdir_errno(d.path("schedulers")) == EPERM);
  CHECK(rmdir_errno(d.path("0/missing")) == ENOENT);
  // Hostile pid-like names answer, and the daemon lives on.
  CHECK(rmdir_errno(d.path("0/" + std::string(40, '9'))) == ENOENT);
  CHECK(rename_errno(d.path("0/" + std::string(40, '9')), d.path("0/x")) == ENOENT);
  CHECK(read_file(d.path("0/cpu.weight")) == "100\n");
}

TEST_CASE_METHOD(MountedTree, "mv of a pid directory", "[errno]") {
  Hog h;
  root.adopt(h.pid());
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  std::string pid = s(h.pid());
  CHECK(rename_errno(d.path("0/" + pid), d.path("0/g/999999")) == EINVAL);
  CHECK(rename_errno(d.path("0/" + pid), d.path("0/g/newname")) == EINVAL);
  // RENAME_EXCHANGE reaches us only when both names exist (the VFS says
  // ENOENT before that).
  CHECK(rename_errno(d.path("0/" + pid), d.path("0/g"), RENAME_EXCHANGE) == EINVAL);
  CHECK(rename_errno(d.path("0/999999"), d.path("0/g/999999")) == ENOENT);
  CHECK(rename_errno(d.path("0/" + pid), d.path("0/" + s(getpid()) + "/" + pid)) == EPERM);
  CHECK(rename_errno(d.path("0/" + pid), d.path(pid)) == EPERM);
  CHECK(rename_errno(d.path("0/" + pid), d.path("0/g/" + pid), RENAME_NOREPLACE) == 0);
  CHECK(exists(d.path("0/g/" + pid)));
  CHECK_FALSE(exists(d.path("0/" + pid)));
  // The process is gone by the time it is moved.
  std::string gone = pid;
  h.kill();
  int e = rename_errno(d.path("0/g/" + gone), d.path("0/" + gone));
  CHECK((e == ENOENT || e == ESRCH));
}

TEST_CASE_METHOD(MountedTree, "mv of a group: rename, re-parent, never EXDEV", "[errno]") {
  REQUIRE(mkdir_errno(d.path("0/a")) == 0);
  REQUIRE(mkdir_errno(d.path("0/a/b")) == 0);
  REQUIRE(mkdir_errno(d.path("0/c")) == 0);
  CHECK(rename_errno(d.path("0/a"), d.path("0/a/b/a")) == EINVAL);
  CHECK(rename_errno(d.path("0/a"), d.path("0/1234")) == EINVAL);
  CHECK(rename_errno(d.path("0/a"), d.path("0/.x")) == EINVAL);
  // A directory over a file: the VFS answers ENOTDIR before we are asked.
  CHECK(rename_errno(d.path("0/a"), d.path("0/stats")) == ENOTDIR);
  CHECK(rename_errno(d.path("0/a"), d.path("0/c"), RENAME_NOREPLACE) == EEXIST);
  CHECK(rename_errno(d.path("0/a"), d.path("0/c"), RENAME_EXCHANGE) == EINVAL);
  CHECK(rename_errno(d.path("0"), d.path("zero")) == EPERM);
  CHECK(rename_errno(d.path("0/a"), d.path("0/renamed")) == 0);
  CHECK(exists(d.path("0/renamed/b")));
  CHECK(rename_errno(d.path("0/renamed"), d.path("0/c/renamed")) == 0);
  CHECK(exists(d.path("0/c/renamed/b")));
  CHECK(rename_errno(d.path("0/c/renamed/b"), d.path("0/b")) == 0);
  CHECK(exists(d.path("0/b")));
  CHECK(rename_errno(d.path("0/c/stats"), d.path("0/c/x")) == EPERM);
}

TEST_CASE_METHOD(MountedTree, "tasks, cpu.weight and scheduler writes", "[errno]") {
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  CHECK(write_file(d.path("0/g/tasks"), "999999") == ESRCH);
  CHECK(write_file(d.path("0/g/tasks"), "2") == EINVAL);  // kthreadd
  CHECK(write_file(d.path("0/g/tasks"), "abc") == EINVAL);
  CHECK(write_file(d.path("0/g/cpu.weight"), "abc") == EINVAL);
  CHECK(write_file(d.path("0/g/cpu.weight"), "1.5") == EINVAL);
  CHECK(write_file(d.path("0/g/cpu.weight"), "0") == ERANGE);
  CHECK(write_file(d.path("0/g/cpu.weight"), "10001") == ERANGE);
  CHECK(write_file(d.path("0/cpu.weight"), "200") == EPERM);
  CHECK(read_file(d.path("0/g/cpu.weight")) == "100\n");
  CHECK(write_file(d.path("0/g/cpu.weight"), "10000\n") == 0);
  CHECK(read_file(d.path("0/g/cpu.weight")) == "10000\n");
  CHECK(write_file(d.path("0/g/scheduler"), "nonesuch") == EINVAL);
  CHECK(read_file(d.path("0/g/scheduler")) == "fair\n");
  CHECK(write_file(d.path("0/g/stats"), "1") == EACCES);
}

TEST_CASE_METHOD(MountedTree, "files users cannot make, xattrs", "[errno]") {
  CHECK(::open(d.path("0/newfile").c_str(), O_CREAT | O_WRONLY, 0644) == -1);
  CHECK(errno == EPERM);
  CHECK(::symlink("x", d.path("0/link").c_str()) == -1);
  CHECK(errno == EPERM);
  CHECK(::unlink(d.path("0/stats").c_str()) == -1);
  CHECK(errno == EPERM);
  CHECK(::link(d.path("0/stats").c_str(), d.path("0/stats2").c_str()) == -1);
  CHECK(errno == EPERM);
}

TEST_CASE_METHOD(MountedTree, "a pid directory's proc link is /proc/PID", "[errno]") {
  Hog h;
  root.adopt(h.pid());
  REQUIRE(mkdir_errno(d.path("0/g")) == 0);
  REQUIRE(write_file(d.path("0/g/tasks"), s(h.pid())) == 0);
  const std::string link = d.path("0/g/" + s(h.pid()) + "/proc");
  struct stat st;
  REQUIRE(::lstat(link.c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  char target[64] = {};
  CHECK(::readlink(link.c_str(), target, sizeof target - 1) ==
        static_cast<ssize_t>(("/proc/" + s(h.pid())).size()));
  CHECK(std::string(target) == "/proc/" + s(h.pid()));
  // Followed, it is the process's own procfs directory.
  struct ::stat through, direct;
  REQUIRE(::stat(link.c_str(), &through) == 0);
  REQUIRE(::stat(("/proc/" + s(h.pid())).c_str(), &direct) == 0);
  CHECK(through.st_ino == direct.st_ino);
  CHECK(::access((link + "/status").c_str(), R_OK) == 0);
  errno = 0;
  CHECK(::open(link.c_str(), O_RDONLY | O_NOFOLLOW) == -1);
  CHECK(errno == ELOOP);
  // A group may still be called proc.
  CHECK(mkdir_errno(d.path("0/proc")) == 0);
}
