// One look at the whole mounted tree: every group, and for every process
// its owner and CPU counters, as `stats` gives them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fsched::cli {

struct ProcSample {
  pid_t pid = 0;
  uid_t uid = 0;
  std::string comm;
  std::uint64_t usage_usec = 0;
  std::uint64_t user_usec = 0;
  std::uint64_t system_usec = 0;
  // The daemon's figures over its last window; entitled_pct is absent
  // from daemons older than the fairness report.
  std::optional<double> cpu_pct;
  std::optional<double> entitled_pct;
};

// A stats file's `key value` lines, in file order.
using StatLines = std::vector<std::pair<std::string, std::string>>;

struct GroupSample {
  std::string path;  // "0", "0/fs"
  std::string policy;
  int weight = 100;
  std::vector<ProcSample> procs;  // by pid
  StatLines stats{};              // the group's own stats, when asked for
  // Caps (guest groups of daemons that have them): cpu.max as written,
  // "" when the group has none; cpus, "" when all online CPUs; how often
  // the group was held at its cap.
  std::string cpu_max{};
  std::string cpus{};
  std::optional<std::uint64_t> nr_throttled{};
};

struct Sample {
  double when_sec = 0;              // CLOCK_MONOTONIC
  double wall_sec = 0;              // CLOCK_REALTIME, for records
  std::vector<GroupSample> groups;  // parents first
  std::map<uid_t, int> usernice;
};

// with_group_stats: also each group's stats file (one read each; top
// does not need them).
Sample take_sample(const std::string& mount, bool with_group_stats = false);

// The groups of the tree ("0", "0/fs", ...), parents first, siblings by name.
std::vector<std::string> group_paths(const std::string& mount);

// A file of the tree in one read(2) per chunk, as /proc wants; false when
// it cannot be opened.
bool read_tree_file(const std::string& path, std::string* out);

StatLines parse_stat_lines(const std::string& text);

// Parses `key value` lines of a stats file into the sample's counters;
// false when usage_usec is missing.
bool parse_proc_stats(const std::string& text, ProcSample* out);

}  // namespace fsched::cli
