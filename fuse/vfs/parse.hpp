// Parsers for what users write into the tree's control files. Each takes
// the bytes of one write(2) and either yields a value or the errno that
// write should fail with.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "caps.hpp"
#include "cpu_list.hpp"
#include "result.hpp"

namespace fsched {

// A control value is short; anything longer is refused before parsing.
inline constexpr std::size_t kMaxControlWrite = 4096;

// Strips the spaces, tabs and one trailing newline that `echo` adds.
std::string_view trim(std::string_view s);

// cpu.weight: EINVAL when not an integer, ERANGE outside 1..10000.
Result<int> parse_weight(std::string_view text);

// tasks: one decimal pid; EINVAL when malformed or not positive.
Result<pid_t> parse_pid(std::string_view text);

struct UserniceEntry {
  uid_t uid = 0;
  int nice = 0;
};

// usernice: one "UID NICE" line. EINVAL when malformed (not two integers,
// a uid that is none), ERANGE when NICE is outside -20..19.
Result<UserniceEntry> parse_usernice(std::string_view text);

// cpu.max: "QUOTA PERIOD", "max PERIOD", "QUOTA" or "max"; EINVAL when
// malformed. Ranges are the tree's to check (ERANGE).
Result<CpuMaxRequest> parse_cpu_max(std::string_view text);

// cpus: a cpuset list ("0-3,6"), empty for none; EINVAL when malformed.
Result<CpuSet> parse_cpus(std::string_view text);

// scheduler: a policy name, shape checked only (EINVAL when empty or
// holding spaces); whether it exists is the tree's business.
Result<std::string> parse_policy_name(std::string_view text);

}  // namespace fsched
