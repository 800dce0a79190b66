// What a process (the daemon under test) has run, for the benchmarks.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "harness.hpp"

namespace bench {

// Every thread's run time from schedstat, in µs: /proc/<pid>/stat counts in
// 10 ms ticks, too coarse for a daemon that should use less than one.
inline std::uint64_t cpu_usec(pid_t pid) {
  std::uint64_t ns = 0;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& tid : it::list(dir))
    ns += std::strtoull(it::read_file(dir + "/" + tid + "/schedstat").c_str(), nullptr, 10);
  return ns / 1000;
}

}  // namespace bench
