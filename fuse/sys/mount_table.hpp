// /proc/self/mountinfo as records, and the one repair the daemon makes to
// it: detaching its own mount left dead by a killed daemon.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace fsched {

struct MountEntry {
  std::string root;         // the path mounted, inside its file system
  std::string mount_point;  // unescaped
  std::string fstype;       // "cgroup2", "fuse.fschedfs"
  std::string source;
  std::string super_options;
};

std::vector<MountEntry> parse_mount_table(std::string_view mountinfo);

// The mount a lookup of `path` finds: the last one mounted there.
std::optional<MountEntry> top_mount(std::string_view mountinfo, const std::string& path);

// Splits on `sep`, dropping empty pieces.
std::vector<std::string> split_list(std::string_view s, char sep);

// A FUSE mount whose daemon died answers ENOTCONN to every access, and
// mount(2) refuses to mount on it: a restarted daemon (systemd's Restart=)
// could never come back. When `mount_point` is such a mount of ours
// (fuse.fschedfs), it is detached lazily (MNT_DETACH: a process still
// inside keeps its dead cwd, as after any lazy umount). Returns whether one
// was detached; another file system's mount is left alone, and a live
// fschedfs mount is refused (EBUSY) rather than hidden under a second one.
Result<bool> detach_dead_mount(const std::string& mount_point);

}  // namespace fsched
