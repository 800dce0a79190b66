// Pins processes with pidfd_open(2).
#pragma once

#include "process_pin.hpp"

namespace fsched {

std::unique_ptr<ProcessPin> pin_process(pid_t pid);

}  // namespace fsched
