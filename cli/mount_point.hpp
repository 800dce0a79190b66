// Where the sched-groups tree is mounted, for commands that read or write it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fsched::cli {

// Mount points of fschedfs in a /proc/self/mountinfo text, in mount order.
std::vector<std::string> fschedfs_mounts(std::string_view mountinfo);

// `given` (from --mount) if not empty, else $FSCHED_MOUNT, else the only
// fschedfs mount (/run/sched-groups when there are several). Throws
// CliError when there is none.
std::string find_mount(const std::string& given);

}  // namespace fsched::cli
