#include "usernice_cmd.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "cli_error.hpp"
#include "mount_point.hpp"
#include "ranges.hpp"

namespace fsched::cli {

namespace {
bool to_long(const std::string& s, long* out) {
  const char* b = s.data();
  if (!s.empty() && s.front() == '+') ++b;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

int run_usernice(const std::string& mount_given, const std::string& nice_text,
                 const std::string& user) {
  long nice = 0;
  if (!to_long(nice_text, &nice))
    throw CliError("NICE must be an integer in " + kUserniceRange.text() + ", not \"" + nice_text + "\"");
  long uid = 0;
  if (!to_long(user, &uid)) {
    struct passwd* pw = ::getpwnam(user.c_str());
    if (!pw) throw CliError("no user named \"" + user + "\"");
    uid = static_cast<long>(pw->pw_uid);
  }
  const std::string file = find_mount(mount_given) + "/usernice";
  const std::string line = std::to_string(uid) + " " + std::to_string(nice) + "\n";
  int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) throw CliError("cannot open " + file + ": " + std::strerror(errno));
  ssize_t n = ::write(fd, line.data(), line.size());
  int err = errno;
  ::close(fd);
  if (n == static_cast<ssize_t>(line.size())) return 0;
  switch (err) {
    case ERANGE:
      throw CliError("NICE must be within " + kUserniceRange.text());
    case EPERM:
      throw CliError(
          "only root may lower a user's level (raise their priority); a user may raise "
          "their own");
    case EINVAL:
      throw CliError("uid " + std::to_string(uid) + " is not valid");
    default:
      throw CliError("cannot write " + file + ": " + std::strerror(err));
  }
}

int print_usernice(const std::string& mount_given) {
  const std::string file = find_mount(mount_given) + "/usernice";
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw CliError("cannot open " + file + ": " + std::strerror(errno));
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) std::fwrite(buf, 1, static_cast<size_t>(n), stdout);
  ::close(fd);
  return 0;
}

}  // namespace fsched::cli
