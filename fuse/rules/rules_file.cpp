// Reading the rules file and resolving names against the system's
// accounts (NSS: /etc/passwd, LDAP, whatever nsswitch.conf says).
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "placement_rules.hpp"
#include "unique_fd.hpp"

namespace fsched {

namespace {

// Far more than any hand-written rules file; the bound keeps a mistake
// (rules=/dev/zero, a log file) from eating the daemon's memory.
constexpr std::size_t kMaxFile = 1 << 20;

// getpwnam_r and getgrnam_r want a buffer of a size only the caller can
// guess: start at what sysconf says and grow while they answer ERANGE.
template <typename Entry, typename Call>
bool lookup(int size_name, Call call, Entry* out) {
  long hint = ::sysconf(size_name);
  std::vector<char> buf(hint > 0 ? static_cast<std::size_t>(hint) : 1024);
  for (;;) {
    Entry* found = nullptr;
    const int rc = call(out, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    return rc == 0 && found != nullptr;
  }
}

Error file_error(const std::string& path, int code) {
  return Error{code, path + ": " + std::strerror(code)};
}

}  // namespace

NameLookup system_names() {
  NameLookup names;
  names.user = [](const std::string& name) -> std::optional<uid_t> {
    struct passwd pw {};
    auto call = [&](struct passwd* e, char* b, std::size_t n, struct passwd** r) {
      return ::getpwnam_r(name.c_str(), e, b, n, r);
    };
    if (!lookup(_SC_GETPW_R_SIZE_MAX, call, &pw)) return std::nullopt;
    return pw.pw_uid;
  };
  names.group = [](const std::string& name) -> std::optional<gid_t> {
    struct group gr {};
    auto call = [&](struct group* e, char* b, std::size_t n, struct group** r) {
      return ::getgrnam_r(name.c_str(), e, b, n, r);
    };
    if (!lookup(_SC_GETGR_R_SIZE_MAX, call, &gr)) return std::nullopt;
    return gr.gr_gid;
  };
  return names;
}

Result<RuleSet> load_rules(const std::string& path, const NameLookup& names) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return file_error(path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return file_error(path, errno);
  if (S_ISDIR(st.st_mode)) return file_error(path, EISDIR);
  std::string text;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_error(path, errno);
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxFile) return Error{EFBIG, path + ": larger than 1 MiB"};
  }
  return parse_rules(text, names, path);
}

}  // namespace fsched
