// fsched top: the fair-share assignment's monitor over the sched-groups
// tree. Keys: q quits, space toggles real time / CPU time, + and - change
// the interval. -b prints plain text for scripts, --json one JSON
// document per screen (and implies -b).
#pragma once

#include <string>

namespace fsched::cli {

struct TopOptions {
  std::string mount;
  double interval = 2.0;
  bool batch = false;
  int iterations = 0;  // 0: until q (or forever in batch mode)
  bool all = false;
  bool cpu_time = false;
  bool json = false;
};

int run_top(const TopOptions& options);

}  // namespace fsched::cli
