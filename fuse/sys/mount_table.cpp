#include "mount_table.hpp"

#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <sstream>

#include "proc_stat.hpp"

namespace fsched {

namespace {
// mountinfo escapes spaces and friends as \040 etc.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      auto oct = s.substr(i + 1, 3);
      if (std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// The path as mountinfo spells it: absolute, no "." or "..", no double or
// trailing slash. realpath(3) cannot do this: it stats every component,
// and a dead mount answers ENOTCONN.
std::string lexically_absolute(const std::string& path) {
  std::string full = path;
  if (full.empty() || full.front() != '/') {
    char cwd[4096];
    if (!::getcwd(cwd, sizeof cwd)) return path;
    full = std::string(cwd) + "/" + path;
  }
  std::vector<std::string> parts;
  for (auto& p : split_list(full, '/')) {
    if (p == ".") continue;
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(p);
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}
}  // namespace

std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<MountEntry> parse_mount_table(std::string_view mountinfo) {
  std::vector<MountEntry> out;
  std::istringstream in{std::string(mountinfo)};
  std::string line;
  while (std::getline(in, line)) {
    auto fields = split_list(line, ' ');
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (dash == fields.end() || dash - fields.begin() < 5 || fields.end() - dash < 4) continue;
    out.push_back(MountEntry{unescape(fields[3]), unescape(fields[4]), *(dash + 1),
                             unescape(*(dash + 2)), *(dash + 3)});
  }
  return out;
}

namespace {
// statfs(2), unlike stat(2), is never answered from the kernel's attribute
// cache: on a FUSE mount it always reaches the daemon, or fails with
// ENOTCONN when none is left.
Result<bool> detach_top_if_dead(const std::string& mount_point) {
  struct statfs sf;
  bool alive = ::statfs(mount_point.c_str(), &sf) == 0;
  if (!alive && errno != ENOTCONN) return false;  // mount(2) will say what is wrong
  auto text = read_small_file("/proc/self/mountinfo");
  if (!text) return make_error(EIO, "cannot read /proc/self/mountinfo");
  const std::string want = lexically_absolute(mount_point);
  auto top = top_mount(*text, want);
  const bool ours = top && top->fstype == "fuse.fschedfs";
  if (alive) {
    // A second daemon stacked on a live one would hide it, and its
    // groups would fight the first's over the same cgroups.
    if (ours) return make_error(EBUSY, want + " is already mounted by a running fschedfs");
    return false;
  }
  // Any dead FUSE mount answers ENOTCONN; only our own is ours to repair.
  if (!ours)
    return make_error(ENOTCONN, mount_point + " is a dead mount of " +
                                    (top ? top->fstype : std::string("an unknown file system")) +
                                    ", not of fschedfs: unmount it first");
  if (::umount2(want.c_str(), MNT_DETACH) != 0)
    return make_error(errno,
                      "cannot detach the dead mount on " + want + ": " + std::strerror(errno));
  return true;
}
}  // namespace

std::optional<MountEntry> top_mount(std::string_view mountinfo, const std::string& path) {
  std::optional<MountEntry> top;
  for (auto& m : parse_mount_table(mountinfo))
    if (m.mount_point == path) top = std::move(m);
  return top;
}

Result<bool> detach_dead_mount(const std::string& mount_point) {
  // Daemons killed one after another each leave one, stacked.
  bool any = false;
  for (int i = 0; i < 64; ++i) {
    auto r = detach_top_if_dead(mount_point);
    if (!r) return r;
    if (!*r) return any;
    any = true;
  }
  return make_error(ELOOP, "more than 64 dead mounts on " + mount_point);
}

}  // namespace fsched
