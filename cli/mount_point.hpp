// Where the sched-groups tree is mounted, for commands that read or write it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fsched::cli {

// Mount points of whole fschedfs trees in a /proc/self/mountinfo text, in
// mount order.
std::vector<std::string> fschedfs_mounts(std::string_view mountinfo);

// `given` (from --mount) if not empty, else $FSCHED_MOUNT, else the only
// fschedfs mount (/run/sched-groups, then /proc/sched-groups, when there
// are several). Throws CliError when there is none.
std::string find_mount(const std::string& given);

// GROUP's tasks file. GROUP is a path from the mount root (0/batch), found
// as find_mount(mount_given) does, or an absolute path into the mount.
std::string tasks_file_of(const std::string& mount_given, const std::string& group);

// What a failure to open GROUP's tasks file is about, in the user's words:
// the group when it does not exist, else its tasks file (permissions).
std::string tasks_error_subject(const std::string& group, int err);

}  // namespace fsched::cli
