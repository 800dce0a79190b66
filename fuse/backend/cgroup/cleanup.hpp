// Cleanup and rollback steps whose failure nothing can undo in turn. Each
// failure is logged, so a directory left behind or a process left in the
// wrong cgroup shows in the daemon's log instead of vanishing.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include "cgroup_fs.hpp"
#include "log.hpp"

namespace fsched::cleanup {

// A directory already gone is what was wanted.
inline void remove_dir(const std::string& dir) {
  if (int e = cgfs::remove_dir(dir); e && e != ENOENT)
    log()->warn("cannot remove {}: {}", dir, std::strerror(e));
}

inline void make_dir(const std::string& dir) {
  if (int e = cgfs::make_dir(dir); e && e != EEXIST)
    log()->warn("cannot create {}: {}", dir, std::strerror(e));
}

// `why` says what the write was undoing or keeping.
inline void write_file(const std::string& file, const std::string& value, const char* why) {
  if (int e = cgfs::write_file(file, value))
    log()->warn("{}: cannot write {} to {}: {}", why, value, file, std::strerror(e));
}

inline void set_xattr(const std::string& dir, const char* name, const std::string& value,
                      const char* why) {
  if (int e = cgfs::set_xattr(dir, name, value))
    log()->warn("cannot keep {} on {} ({}): {}", name, dir, std::strerror(e), why);
}

}  // namespace fsched::cleanup
