// fsched spawn: start the programs of a spawn configuration, each under its
// uid (and in a group), and kill them all when the time is up.
#pragma once

#include <string>

namespace fsched::cli {

struct SpawnOptions {
  std::string conf;      // empty: spawn.conf beside the executable, else the installed one
  std::string group;     // empty: where spawn runs; else a group path (0/fs) or directory
  std::string mount;     // empty: find it
  double seconds = 120;  // 0: never kill
};

int run_spawn(const SpawnOptions& options);

}  // namespace fsched::cli
