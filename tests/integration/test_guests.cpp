// Guest schedulers on a backend that cannot run them (the cgroup backend:
// every machine without sched_ext sub-schedulers). What a user meets is
// the spec's: a load answers EOPNOTSUPP and leaves nothing; only root may
// try; built-ins cannot be removed. tests/vm/guests.sh runs guests for real.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cerrno>
#include <string>

#include "harness.hpp"

using namespace it;

namespace {
// cp's steps: create, write, close; the first errno met.
int copy_in(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  int err = 0;
  if (::write(fd, bytes.data(), bytes.size()) < 0) err = errno;
  if (::close(fd) != 0 && !err) err = errno;
  return err;
}
int unlink_errno(const std::string& path) {
  return ::unlink(path.c_str()) == 0 ? 0 : errno;
}
int open_errno(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errno;
  ::close(fd);
  return 0;
}
}  // namespace

TEST_CASE_METHOD(MountedTree, "loading a guest where none can run", "[guests][errno]") {
  if (::access("/sys/kernel/sched_ext/root/sub", F_OK) == 0) {
    WARN("skipped: this kernel has sched_ext sub-schedulers (tests/vm/guests.sh covers it)");
    return;
  }
  const std::string obj = "\177ELF not really an object";
  CHECK(copy_in(d.path("schedulers/rr"), obj) == EOPNOTSUPP);
  CHECK(::access(d.path("schedulers/rr").c_str(), F_OK) != 0);
  CHECK(copy_in(d.path("0/rr"), obj) == EPERM);  // files live in schedulers/ only
  CHECK(as_user(4242, [&] { return copy_in(d.path("schedulers/rr"), obj); }) == EPERM);
  CHECK(open_errno(d.path("schedulers/fair"), O_WRONLY | O_TRUNC) == EEXIST);
  CHECK(unlink_errno(d.path("schedulers/fair")) == EPERM);
  CHECK(unlink_errno(d.path("schedulers/nosuch")) == ENOENT);
  CHECK(as_user(4242, [&] { return unlink_errno(d.path("schedulers/fair")); }) == EPERM);
  CHECK(write_file(d.path("0/scheduler"), "rr") == EINVAL);
  struct stat st {};
  REQUIRE(::stat(d.path("schedulers").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 01777);
}
