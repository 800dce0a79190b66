// fsched run [-g GROUP] [-u USER] [-n NICE] [--mount DIR] [--] CMD [ARGS...]:
// as cgexec, this process places itself in GROUP, takes NICE and USER, and
// then becomes CMD. No fork: CMD keeps our pid, so its exit status is ours
// and signals sent to us reach it, and the daemon sees a process that
// placed itself (sticky across the exec, as cgexec --sticky).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fsched::cli {

struct RunOptions {
  std::string group;        // empty: stay in our group
  std::string user;         // empty: stay who we are; else a name or a uid
  std::optional<int> nice;  // an absolute level, as systemd's Nice=
  std::string mount;        // empty: find it
  std::vector<std::string> command;
};

// Exit statuses of fsched run itself, as env(1) and timeout(1) have them.
inline constexpr int kRunFailed = 125;
inline constexpr int kRunCannotExecute = 126;
inline constexpr int kRunNotFound = 127;

// The words after `run`. Options end at `--` or at the first word that is
// not one of ours: what follows is CMD's, options included. Throws
// CliError, its message without the "fsched run: " prefix.
RunOptions parse_run_args(const std::vector<std::string>& words);

// A nice level in -20..19 (a leading + allowed); throws CliError naming -n.
int parse_nice(const std::string& text);

// Replaces this process with CMD; returns only when that failed, with the
// exit status, after saying why on stderr.
int run_command(const std::vector<std::string>& words);

}  // namespace fsched::cli
