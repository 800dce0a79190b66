// fsched plot: a record's shares over time as a picture, drawn by gnuplot
// from a data file and a script this command writes (plot_data.hpp).
#pragma once

#include <string>
#include <vector>

namespace fsched::cli {

struct PlotOptions {
  std::string file;  // a record
  std::string out;   // .svg or .png; empty: FILE with .svg for its suffix
  bool by_user = false;
  std::vector<std::string> groups;  // only these groups; empty: all
};

int run_plot(const PlotOptions& options);

// FILE's name with .svg in place of its suffix ("run.jsonl" -> "run.svg").
std::string default_plot_output(const std::string& file);

}  // namespace fsched::cli
