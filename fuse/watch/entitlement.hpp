// entitled_pct: what the tree's weights entitled each member to over a
// window, given which members were busy — the ideal the scheduler is
// measured against, beside what it gave (cpu_pct).
//
// The CPU time the tree's processes used in the window is shared out again
// from the top, as the spec's semantics of shares describe: within a
// group every direct member (a process, a child group; in a user-fair
// group a user) is one competitor with its weight, and the group's part is
// split among its members in proportion to those weights — except that no
// member is entitled to more than it wanted. What a member wanted (its
// demand) is the time it was runnable: the CPU time it used plus the time
// it waited on a runqueue (schedstat's run_delay). What a member could not
// take goes to the busy ones, by weight (max-min fairness, "water
// filling"). An idle member is entitled to nothing; a member that waited
// is entitled to its weighted part, whatever the scheduler gave it.
//
// What it does not model: CPU affinity. Work pinned to some CPUs (taskset,
// cpusets) beside unpinned work is entitled as if every busy member could
// run anywhere, so there the two figures differ by design. Inside a group
// run by a guest scheduler, the ideal is still `fair`'s.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "tree.hpp"

namespace fsched {

struct EntitlementInput {
  struct GroupRow {
    GroupId id = kHostGroup;
    GroupId parent = kHostGroup;
    double weight = 1024;  // CFS load units, as a nice-0 process weighs
    bool user_fair = false;
  };
  struct ProcRow {
    pid_t pid = 0;
    GroupId group = kHostGroup;
    uid_t uid = 0;
    double weight = 1024;  // its nice level's load
    double used_usec = 0;    // CPU time in the window
    double demand_usec = 0;  // runnable time in the window, >= used
  };
  std::vector<GroupRow> groups;  // the host group included
  std::vector<ProcRow> procs;
  std::map<uid_t, double> user_weight;  // usernice loads; absent = 1024
};

struct Entitlement {
  std::unordered_map<pid_t, double> proc_usec;
  std::unordered_map<GroupId, double> group_usec;
};

// The weights the tree gives: what the input is built from.
double group_load(const GroupSettings& s);

Entitlement entitle(const EntitlementInput& in);

// Shares `amount` among members of these weights and demands: max-min
// fair, no member above its demand. Exposed for the unit tests.
std::vector<double> water_fill(double amount, const std::vector<double>& weights,
                               const std::vector<double>& demands);

}  // namespace fsched
