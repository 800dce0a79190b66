// The spawn configuration of the fair-share assignment: one `UID PROGRAM
// [ARGS]` per line, and its rules for finding files:
//   * no CONF given: spawn.conf beside the executable;
//   * a relative CONF is taken from the current directory;
//   * a relative PROGRAM is taken from the directory CONF was found in.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace fsched::cli {

struct SpawnLine {
  int line_no = 0;
  uid_t uid = 0;
  std::string program;            // resolved to a path
  std::vector<std::string> args;  // argv, args[0] as written
};

// The file spawn reads: `given` as the rules say, `exe_dir` being the
// directory of the running executable.
std::string conf_path(const std::string& given, const std::string& cwd, const std::string& exe_dir);

// Parses the text of CONF (found at `conf`). Blank lines and lines
// starting with # are skipped. UID is a number or a user name (looked up
// with `lookup`, which returns -1 for none). Throws CliError naming the
// line on anything malformed.
std::vector<SpawnLine> parse_spawn_conf(std::string_view text, const std::string& conf,
                                        long (*lookup)(const std::string& name));

// Directory part of a path ("." for a bare name).
std::string dir_of(const std::string& path);

}  // namespace fsched::cli
