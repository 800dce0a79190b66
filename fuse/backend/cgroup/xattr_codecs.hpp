// What the cgroup backend keeps in extended attributes, so a restarted
// daemon finds it: one codec (format + parse) per attribute. The text
// forms are on disk across daemon versions: change them only compatibly.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "backend.hpp"

namespace fsched {

// trusted.fsched.settings on a group's directory.
std::string format_settings(const GroupSettings& s);  // "weight=100 policy=fair uid=0 ..."
// Unknown keys are skipped so newer daemons can add some; nullopt when a
// known key holds garbage.
std::optional<GroupSettings> parse_settings(std::string_view text);

// trusted.fsched.home on a leaf: where its process returns when moved back
// to 0 (the cpu cgroup, and the cpuacct and cpuset ones when mirrored).
struct LeafHome {
  std::string cpu;
  std::string acct;
  std::string cpuset;
  bool operator==(const LeafHome&) const = default;
};
std::string format_home(const LeafHome& h);  // "<cpu>\n<acct>[\n<cpuset>]"
// nullopt when no cpu cgroup is named.
std::optional<LeafHome> parse_home(std::string_view text);

// trusted.fsched.usage_base on a group: the usage counted in the cgroups
// a group had before it was re-created elsewhere (a move on cgroup v2).
std::string format_usage(const Usage& u);  // "<usage> <user> <system>" in µs
std::optional<Usage> parse_usage(std::string_view text);

// trusted.fsched.usernice on cgroup_root: "<uid> <level>" lines, level 0
// omitted. Parsing skips entries out of range, as a newer daemon may write.
std::string format_usernice_levels(const std::map<uid_t, int>& levels);
std::map<uid_t, int> parse_usernice_levels(std::string_view text);

}  // namespace fsched
