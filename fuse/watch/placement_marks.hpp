// Who placed each process (tree.hpp's Placement) outlives a daemon
// restart: the stopping daemon writes the marks a restart could not guess
// into a file (and a running one keeps it current, marks_keeper.hpp),
// and the next daemon reads it once, at start. Without it, a
// restarted daemon (an upgrade, `systemctl restart`) takes every process
// it finds in a guest group as placed by hand, and every process in 0 as
// the rules' to place: a rule's placement would stop following the rules,
// a `fsched run` would end at its next exec, and a process moved back to
// 0 by hand would be taken by a rule at once.
//
// The file is text, one process a line ("PID START_TIME rule|hand|sticky"),
// under a header with the boot's id: it is ignored after a reboot, and a
// pid whose start time differs is another process. A daemon that was
// killed leaves the file as its keeper last wrote it, a few seconds old;
// what changed since is guessed as before.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "result.hpp"
#include "tree.hpp"

namespace fsched {

struct SavedMark {
  std::uint64_t start_time = 0;
  Placement how = Placement::rule;
};
using SavedMarks = std::unordered_map<pid_t, SavedMark>;

// The file's name in the state directory for a tree mounted on
// `mount_point`, escaped as systemd escapes paths: /run/sched-groups gives
// "run-sched\x2dgroups.placements".
std::string marks_file_name(const std::string& mount_point);

// The marks a restart would guess wrong: a process in a guest group not
// placed by hand, or one in 0 not the rules'.
std::string format_marks(const Tree& tree, std::string_view boot_id);
// Nothing when the header is not this boot's; bad lines are skipped.
SavedMarks parse_marks(std::string_view text, std::string_view boot_id);

// This boot's id (/proc/sys/kernel/random/boot_id), read once.
std::string this_boot();

// Writes format_marks to `path` (its directory made when missing, the file
// replaced whole); with nothing to save, removes `path`.
[[nodiscard]] Status save_marks(const std::string& path, const Tree& tree);
// The same for a text format_marks made: written whole, or `path` removed
// when it is empty.
[[nodiscard]] Status write_marks(const std::string& path, const std::string& text);
// Reads `path` and removes it: the marks describe the moment it was
// written, and a later start after a crash must not take them again.
SavedMarks take_marks(const std::string& path);

}  // namespace fsched
