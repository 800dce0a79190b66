// What `fsched top` shows for two samples of the tree: per group, each
// user's part of the CPU and their processes beneath, as the fair-share
// assignment's monitor did.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tree_sample.hpp"

namespace fsched::cli {

struct Pct {
  double total = 0;
  double user = 0;
  double system = 0;
};

struct ReportRow {
  enum class Kind { group, user, process } kind = Kind::group;
  std::string label;  // "0/fs (user-fair, weight 100)", "User 9000", "(piglet) 7840"
  uid_t uid = 0;      // user and process rows
  pid_t pid = 0;      // process rows
  Pct pct;
};

struct ReportOptions {
  bool cpu_time = false;  // fractions of the CPU used, not of real time
  bool all = false;       // also idle processes of the host group
};

// Processes present in both samples are counted; a group's rows are its
// users by uid, each followed by their processes by pid. In real-time
// mode 100 % is one CPU for the elapsed time.
std::vector<ReportRow> make_report(const Sample& before, const Sample& after,
                                   const ReportOptions& options,
                                   const std::function<std::string(uid_t)>& user_name);

// "User 9000" when the uid has no name, as the monitor printed it.
std::string default_user_name(uid_t uid);

// "75.3% ( 75.3%,  0.0%)"
std::string format_pct(const Pct& p);

}  // namespace fsched::cli
