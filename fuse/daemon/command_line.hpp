// The two ways fschedfs is started, made one:
//
//   fschedfs [-f] [-o OPTIONS] MOUNTPOINT                    by hand, scripts, the unit
//   fschedfs SOURCE MOUNTPOINT -o OPTIONS                     by mount.fuse3, for
//                                                            `mount -t fuse.fschedfs` and fstab
//
// libfuse takes the first word that is not an option for the mount point,
// so SOURCE is taken out here and becomes the mount's fsname. Every mount
// is also given subtype fschedfs, so /proc/mounts lists it as
// `fschedfs MOUNTPOINT fuse.fschedfs` whichever way it was made, and a
// restarted daemon can tell its own dead mount from another's.
#pragma once

#include <string>
#include <vector>

namespace fsched {

struct CommandLine {
  std::vector<std::string> args;  // argv for libfuse, argv[0] first
  std::string source;             // the fsname given
};

CommandLine normalize_command_line(int argc, const char* const* argv);

// argv for C: pointers into `line.args`, null-terminated.
std::vector<char*> c_argv(CommandLine& line);

}  // namespace fsched
