// A process held still for the length of one change.
//
// A pid is only a number: between reading who owns process 1234 and writing
// 1234 into the kernel, that process may exit and the number name another.
// A pin holds a pidfd, so the facts it read (owner, start time) belong to
// the process it holds, and alive() tells afterwards whether the number
// still named that process when the change was made.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>

namespace fsched {

struct ProcessInfo;

class ProcessPin {
 public:
  virtual ~ProcessPin() = default;
  // Read through the pin, while the process was known to be alive.
  virtual const ProcessInfo& info() const = 0;
  // False once the pinned process has exited.
  virtual bool alive() const = 0;
};

// Null when no process has that pid (or it is only a thread's id).
using ProcessPinner = std::function<std::unique_ptr<ProcessPin>(pid_t)>;

}  // namespace fsched
