// What `fsched top` shows for two samples of the tree: per group, each
// user's part of the CPU and their processes beneath, as the fair-share
// assignment's monitor did.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tree_sample.hpp"

namespace fsched::cli {

struct Pct {
  double total = 0;
  double user = 0;
  double system = 0;
};

// The rows' fields are what text and JSON both print, so the two never
// disagree; label is the text's wording of them.
struct ReportRow {
  enum class Kind { group, user, process } kind = Kind::group;
  std::string label;  // "0/fs (user-fair, weight 100)", "User 9000", "(piglet) 7840"
  uid_t uid = 0;      // user and process rows
  pid_t pid = 0;      // process rows
  Pct pct;
  // What the weights entitled the row to (the daemon's entitled_pct,
  // summed for users and groups), on pct's scale; absent when the daemon
  // does not report it.
  std::optional<double> entitled;
  std::string path;    // group rows: "0/fs"
  std::string policy;  // group rows
  int weight = 100;    // group rows
  std::string cpu_max;  // group rows: "QUOTA PERIOD", "" when uncapped
  std::string cpus;     // group rows: where it may run, "" in 0
  bool at_cap = false;  // group rows: throttled at its cap in the interval
  std::string name;    // user rows: as user_name() gave it
  int usernice = 0;    // user rows
  std::string comm;    // process rows
};

// A row this many percentage points or more from its entitlement, and
// by a tenth of it or more, is flagged: under that is a 1 s window's
// noise (a tick here and there, the daemon's window and top's interval
// not quite the same second).
constexpr double kOffEntitledPoints = 5.0;
constexpr double kOffEntitledFraction = 0.1;
bool off_entitlement(const ReportRow& row);

struct ReportOptions {
  bool cpu_time = false;  // fractions of the CPU used, not of real time
  bool all = false;       // also idle processes of the host group
};

// Processes present in both samples are counted; a group's rows are its
// users by uid, each followed by their processes by pid. In real-time
// mode 100 % is one CPU for the elapsed time. Entitlements are the
// daemon's over its last window: % of one CPU in real-time mode, of the
// CPU the tree was entitled to in all in CPU-time mode.
std::vector<ReportRow> make_report(const Sample& before, const Sample& after,
                                   const ReportOptions& options,
                                   const std::function<std::string(uid_t)>& user_name);

// "User 9000" when the uid has no name, as the monitor printed it.
std::string default_user_name(uid_t uid);

// "75.3% ( 75.3%,  0.0%)"
std::string format_pct(const Pct& p);

}  // namespace fsched::cli
