// Who is asking: the caller's credentials as the FUSE request carries them.
#pragma once

#include <sys/types.h>

#include <vector>

namespace fsched {

struct Cred {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
  std::vector<gid_t> groups;  // supplementary

  bool is_root() const { return uid == 0; }
};

}  // namespace fsched
