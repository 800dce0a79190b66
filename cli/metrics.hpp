// fsched metrics: the tree as OpenMetrics text for Prometheus, made for
// node_exporter's textfile collector (written whole, then renamed in).
// Series per group and per user of a group, never per process: pids come
// and go, and each would be a series of its own.
#pragma once

#include <string>

#include "tree_sample.hpp"

namespace fsched::cli {

struct MetricsOptions {
  std::string mount;
  std::string textfile_dir;  // empty: print
};

int run_metrics(const MetricsOptions& options);

// The exposition of a sample taken with group stats, ending in "# EOF".
std::string render_metrics(const Sample& sample);

// Writes `text` to DIR/NAME as a whole: a temporary file in DIR, mode
// 0644, fsync, renamed over NAME, so a reader never sees half of it.
void write_file_atomically(const std::string& dir, const std::string& name,
                           const std::string& text);

}  // namespace fsched::cli
