// fsched move [--mount DIR] GROUP PID...: as cgclassify, every PID into
// GROUP, each with a write of its own to GROUP's tasks file (one command to
// the tree each, so one refusal stops no other), and one line per failure.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace fsched::cli {

struct MoveOptions {
  std::string mount;              // empty: find it
  std::string group;              // a path from the mount root (0/batch) or into the mount
  std::vector<std::string> pids;  // as given: a bad one is reported as typed
};

// Exit statuses: 0 all moved, 1 any failed, 2 a usage error.
inline constexpr int kMoveSomeFailed = 1;
inline constexpr int kMoveUsage = 2;

// The words after `move`; --mount may come anywhere before `--`. Throws
// CliError, its message without the "fsched move: " prefix.
MoveOptions parse_move_args(const std::vector<std::string>& words);

// The pid a word names, or 0 when it is not a positive decimal number.
pid_t parse_pid_word(const std::string& word);

// "fsched move: WHAT: No such process (ESRCH)", without a newline.
std::string failure_line(const std::string& what, int err);

// Does it; returns the exit status.
int move_command(const std::vector<std::string>& words);

}  // namespace fsched::cli
