// What an open file of the tree carries: its node, and for readers the
// text rendered at open time (as /proc does, a reader sees one snapshot).
#pragma once

#include <string>

#include "inode.hpp"

namespace fsched {

struct FileHandle {
  Node node;
  std::string content;
  // Opened O_APPEND: the kernel places each write at its cached size, so
  // the offset says nothing; every write is still one command.
  bool append = false;
};

}  // namespace fsched
