#include "run_cmd.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "cli_error.hpp"
#include "mount_point.hpp"
#include "ranges.hpp"

namespace fsched::cli {

namespace {
const char* kRunUsage =
    "usage: fsched run [-g GROUP] [-u USER] [-n NICE] [--mount DIR] [--] CMD [ARGS...]";

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Who -u names. A uid without a passwd entry (the assignment's 9000) gets
// the group of the same number and no supplementary groups, as spawn does.
struct Identity {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;  // empty: no passwd entry
  std::string home;
};

Identity resolve_user(const std::string& user) {
  Identity id;
  struct passwd* pw = nullptr;
  if (all_digits(user)) {
    unsigned long long v = 0;
    auto [p, ec] = std::from_chars(user.data(), user.data() + user.size(), v);
    // (uid_t)-1 means "unchanged" to setuid(2): not a uid anyone can be.
    if (ec != std::errc() || v >= std::numeric_limits<uid_t>::max())
      throw CliError("-u: " + user + ": not a valid uid");
    id.uid = static_cast<uid_t>(v);
    id.gid = static_cast<gid_t>(v);
    pw = ::getpwuid(id.uid);
  } else {
    pw = ::getpwnam(user.c_str());
    if (!pw) throw CliError("-u: " + user + ": no such user");
  }
  if (pw) {
    id.uid = pw->pw_uid;
    id.gid = pw->pw_gid;
    id.name = pw->pw_name;
    id.home = pw->pw_dir;
  }
  return id;
}

// Whether execvp(cmd) is certain to answer ENOENT: checked before anything
// changes, so a mistyped CMD leaves the tree alone. Any doubt (a directory
// we may not search) is left to execvp.
bool surely_missing(const std::string& cmd) {
  struct stat st;
  if (cmd.find('/') != std::string::npos) return ::stat(cmd.c_str(), &st) != 0 && errno == ENOENT;
  const char* env = std::getenv("PATH");
  const std::string path = env ? env : "/bin:/usr/bin";  // execvp's default
  std::size_t from = 0;
  for (;;) {
    const std::size_t colon = path.find(':', from);
    std::string dir = path.substr(from, colon == std::string::npos ? colon : colon - from);
    if (dir.empty()) dir = ".";
    const std::string file = dir + "/" + cmd;
    if (::stat(file.c_str(), &st) == 0 || (errno != ENOENT && errno != ENOTDIR)) return false;
    if (colon == std::string::npos) return true;
    from = colon + 1;
  }
}

int fail(int status, const std::string& what) {
  std::fprintf(stderr, "fsched run: %s\n", what.c_str());
  return status;
}

int fail_errno(int status, const std::string& what, int err) {
  return fail(status, what + ": " + std::strerror(err));
}

int become(const Identity& id) {
  const bool listed = !id.name.empty();
  if ((listed ? ::initgroups(id.name.c_str(), id.gid) : ::setgroups(0, nullptr)) != 0) return errno;
  if (::setgid(id.gid) != 0 || ::setuid(id.uid) != 0) return errno;
  if (listed) {
    ::setenv("USER", id.name.c_str(), 1);
    ::setenv("LOGNAME", id.name.c_str(), 1);
    ::setenv("HOME", id.home.c_str(), 1);
  }
  return 0;
}
}  // namespace

int parse_nice(const std::string& text) {
  const char* b = text.data();
  const char* e = text.data() + text.size();
  if (b != e && *b == '+') ++b;
  long v = 0;
  auto [p, ec] = std::from_chars(b, e, v);
  if (text.empty() || ec != std::errc() || p != e || !kNiceRange.contains(v))
    throw CliError("-n: " + text + ": not a nice level (" + kNiceRange.text() + ")");
  return static_cast<int>(v);
}

RunOptions parse_run_args(const std::vector<std::string>& words) {
  RunOptions o;
  std::size_t i = 0;
  auto value = [&](const std::string& flag) {
    if (i + 1 >= words.size() || words[i + 1].empty())
      throw CliError(flag + " needs a value (" + std::string(kRunUsage) + ")");
    i += 2;
    return words[i - 1];
  };
  while (i < words.size()) {
    const std::string w = words[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w == "-g" || w == "--group") {
      o.group = value(w);
    } else if (w == "-u" || w == "--user") {
      o.user = value(w);
    } else if (w == "-n" || w == "--nice") {
      o.nice = parse_nice(value(w));
    } else if (w == "--mount") {
      o.mount = value(w);
    } else if (w.size() > 1 && w[0] == '-') {
      throw CliError("unknown option " + w + " (CMD's own options go after CMD)");
    } else {
      break;  // CMD
    }
  }
  o.command.assign(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
  if (o.command.empty()) throw CliError("no CMD to run (" + std::string(kRunUsage) + ")");
  return o;
}

int run_command(const std::vector<std::string>& words) {
  // Everything that can be refused is checked before anything changes.
  RunOptions o;
  Identity id;
  std::string tasks;
  int fd = -1;
  try {
    o = parse_run_args(words);
    if (!o.user.empty()) {
      if (::geteuid() != 0) throw CliError("-u: only root may run as another user");
      id = resolve_user(o.user);
    }
    if (!o.group.empty()) {
      tasks = tasks_file_of(o.mount, o.group);
      fd = ::open(tasks.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) {
        const int err = errno;
        return fail_errno(kRunFailed, tasks_error_subject(o.group, err), err);
      }
    }
  } catch (const CliError& e) {
    return fail(kRunFailed, e.what());
  }
  const std::string& cmd = o.command.front();
  if (surely_missing(cmd)) {
    if (fd >= 0) ::close(fd);
    return fail_errno(kRunNotFound, cmd, ENOENT);
  }

  // The level before the move: refused, it leaves no trace in the tree,
  // and the move already hands the daemon the level CMD will run at.
  if (o.nice && ::setpriority(PRIO_PROCESS, 0, *o.nice) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return fail_errno(kRunFailed, "-n: " + std::to_string(*o.nice), err);
  }
  if (fd >= 0) {
    // Our own pid, written by us with our credentials: the tree decides as
    // for `echo $$ > tasks`, and marks the placement our own choice.
    const std::string pid = std::to_string(::getpid()) + "\n";
    const ssize_t n = ::write(fd, pid.data(), pid.size());
    const int err = n < 0 ? errno : EIO;
    ::close(fd);
    if (n != static_cast<ssize_t>(pid.size()))
      return fail_errno(kRunFailed, tasks_error_subject(o.group, EACCES), err);
  }
  // The uid last: placed as root, we may go where the user could not.
  if (!o.user.empty())
    if (int err = become(id)) return fail_errno(kRunFailed, "-u: " + o.user, err);

  std::vector<char*> argv;
  for (const auto& a : o.command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::fflush(stdout);
  ::execvp(argv[0], argv.data());
  const int err = errno;
  return fail_errno(err == ENOENT ? kRunNotFound : kRunCannotExecute, cmd, err);
}

}  // namespace fsched::cli
