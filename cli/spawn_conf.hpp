// The spawn configuration of the fair-share assignment: one `UID PROGRAM
// [ARGS]` per line, and its rules for finding files:
//   * no CONF given: spawn.conf beside the executable (the build tree),
//     else the installed copy (/usr/share/fsched/spawn.conf);
//   * a relative CONF is taken from the current directory;
//   * a relative PROGRAM is taken from the directory CONF was found in,
//     else from the installed workloads' directory (/usr/libexec/fsched):
//     installed, piglet and io live apart from spawn.conf, off the PATH.
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

// Says whether a file is there: the rules' one look at the file system,
// passed in so the tests need none.
using FileExists = bool (*)(const std::string& path);

// The file spawn reads: `given` as the rules say, `exe_dir` being the
// directory of the running executable. With no CONF and no spawn.conf
// beside the executable, `installed` (when not empty).
std::string conf_path(const std::string& given, const std::string& cwd, const std::string& exe_dir,
                      const std::string& installed = {}, FileExists exists = nullptr);

// Parses the text of CONF (found at `conf`). Blank lines and lines
// starting with # are skipped. UID is a number or a user name (looked up
// with `lookup`, which returns -1 for none). Throws CliError naming the
// line on anything malformed.
std::vector<SpawnLine> parse_spawn_conf(std::string_view text, const std::string& conf,
                                        long (*lookup)(const std::string& name));

// Points each relative PROGRAM missing beside CONF at `fallback_dir`
// when it is there (the installed workloads).
void find_programs_in(std::vector<SpawnLine>& lines, const std::string& fallback_dir,
                      FileExists exists);

// Directory part of a path ("." for a bare name).
std::string dir_of(const std::string& path);

}  // namespace fsched::cli
