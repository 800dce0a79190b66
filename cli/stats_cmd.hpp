// fsched stats [--json] [PATH]: the stats files of the tree, for people
// (the files' own lines) and for scripts (JSON with numbers as numbers).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tree_sample.hpp"

namespace fsched::cli {

struct StatsOptions {
  std::string mount;
  std::string path;  // empty: every group
  bool json = false;
};

int run_stats(const StatsOptions& options);

// The tree path ("0/fs", "0/fs/1234") that PATH names: relative to the
// mount, or absolute inside it; a trailing /stats is allowed. Throws
// CliError for a path outside the tree.
std::string tree_path(const std::string& mount, const std::string& path);

// A stats value as JSON: integers stay integers, other numbers are
// floats, anything else a string (a key we do not know passes through).
nlohmann::ordered_json stat_value_json(const std::string& value);

// {"path": ..., then every key in file order}; entitled_pct is null when
// the daemon does not report it.
nlohmann::ordered_json stats_json(const std::string& path, const StatLines& lines);

// "KEY VALUE" lines, each prefixed by "PATH " when `prefix`.
std::string stats_text(const std::string& path, const StatLines& lines, bool prefix);

}  // namespace fsched::cli
