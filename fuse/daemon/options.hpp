// fschedfs's own -o options; everything else goes to FUSE.
#pragma once

#include <string>

#include "result.hpp"
#include "tree.hpp"

struct fuse_args;

namespace fsched {

struct Options {
  std::string backend = "auto";  // auto | cgroup | scx
  std::string cgroup_root;       // empty: the cpu hierarchy's root
  // Where loaded guest schedulers are kept across restarts; "none" keeps
  // them only while the daemon runs.
  std::string guest_dir = "/var/lib/fsched/guests";
  // Where a stopping daemon leaves what a restart needs and cannot read
  // from the kernel (who placed each process); "none" leaves nothing.
  std::string state_dir = "/run/fsched";
  // The placement rules file: empty for /etc/fsched/rules when it exists,
  // "none" for no rules.
  std::string rules;
  int window_ms = 1000;  // the stats sampling window
  Limits limits;
};

// Takes our options out of `args`, leaving FUSE's own there.
Result<Options> parse_options(fuse_args* args);

}  // namespace fsched
