#include "replace_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fsched {

Status replace_file(const std::string& dir, const std::string& name, std::string_view data) {
  std::string tmp = dir + "/." + name + ".XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0)
    return make_error(errno, "cannot create a file in " + dir + ": " + std::strerror(errno));
  auto fail = [&](const std::string& what, int e) -> Status {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return make_error(e, what + ": " + std::strerror(e));
  };
  if (::fchmod(fd, 0644) != 0) return fail("cannot chmod " + tmp, errno);
  for (std::size_t off = 0; off < data.size();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write " + tmp, n < 0 ? errno : EIO);
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot fsync " + tmp, errno);
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) return fail("cannot write " + tmp, errno);
  const std::string target = dir + "/" + name;
  if (::rename(tmp.c_str(), target.c_str()) != 0)
    return fail("cannot rename " + tmp + " to " + target, errno);
  return Ok{};
}

}  // namespace fsched
