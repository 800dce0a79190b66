// One look at the whole mounted tree: every group, and for every process
// its owner and CPU counters, as `stats` gives them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fsched::cli {

struct ProcSample {
  pid_t pid = 0;
  uid_t uid = 0;
  std::string comm;
  std::uint64_t usage_usec = 0;
  std::uint64_t user_usec = 0;
  std::uint64_t system_usec = 0;
};

struct GroupSample {
  std::string path;  // "0", "0/fs"
  std::string policy;
  int weight = 100;
  std::vector<ProcSample> procs;  // by pid
};

struct Sample {
  double when_sec = 0;              // CLOCK_MONOTONIC
  std::vector<GroupSample> groups;  // parents first
  std::map<uid_t, int> usernice;
};

Sample take_sample(const std::string& mount);

// Parses `key value` lines of a stats file into the sample's counters;
// false when usage_usec is missing.
bool parse_proc_stats(const std::string& text, ProcSample* out);

}  // namespace fsched::cli
