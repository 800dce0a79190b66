// What `fsched plot` draws from a record (top's JSON lines): one series
// of shares per group or per user of a group, over time, with the
// entitlement beside each and the moments a group changed its scheduler
// or weight. Turned into a gnuplot data file and script here; plot_cmd
// runs gnuplot.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace fsched::cli {

struct PlotSeries {
  std::string title;                            // "0/fs", "0/fs: User 9000"
  std::vector<std::optional<double>> cpu;       // one per time; absent: not there then
  std::vector<std::optional<double>> entitled;  // likewise
};

struct PlotEvent {
  double time = 0;
  std::string text;  // "0/fs: user-fair"
};

struct PlotData {
  std::vector<double> times;  // seconds since the first document
  std::vector<PlotSeries> series;
  std::vector<PlotEvent> events;
  bool cpu_time = false;
};

// Reads every line of a record; `file` names it in errors ("FILE:3: ...").
// Throws CliError on a line that is not one of top's JSON documents, or
// when there is none.
// `groups`: only these (by path); empty: every group.
PlotData read_record(std::istream& in, const std::string& file, bool by_user,
                     const std::vector<std::string>& groups = {});

// Series that never reach this share (%) are left out, so that the
// host's daemons do not bury the lines that matter; all stay when none
// reaches it.
constexpr double kPlotMinPct = 1.0;
std::vector<std::size_t> shown_series(const PlotData& data);

// Tab-separated: time, then each shown series' cpu and entitled; "?" where
// a value is missing.
std::string gnuplot_data(const PlotData& data);

// A script drawing `data_path` into `out` (.svg or .png), one solid line
// per series, its entitlement dashed in the same color.
std::string gnuplot_script(const PlotData& data, const std::string& data_path,
                           const std::string& out, bool by_user);

}  // namespace fsched::cli
