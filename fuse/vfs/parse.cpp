#include "parse.hpp"

#include <cerrno>
#include <charconv>
#include <limits>

#include "ranges.hpp"

namespace fsched {

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

namespace {
// Parses a whole, optionally signed, decimal integer; false when anything
// else is in the text.
bool parse_integer(std::string_view s, long long& out) {
  if (s.empty() || s.size() > 32) return false;
  if (s.front() == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc::result_out_of_range) {
    out = s.front() == '-' ? std::numeric_limits<long long>::min()
                           : std::numeric_limits<long long>::max();
    return ptr == s.data() + s.size();
  }
  return ec == std::errc() && ptr == s.data() + s.size();
}
}  // namespace

Result<int> parse_weight(std::string_view text) {
  if (text.size() > kMaxControlWrite) return make_error(EINVAL, "value too long");
  long long v = 0;
  if (!parse_integer(trim(text), v)) return make_error(EINVAL, "cpu.weight takes an integer");
  if (!kWeightRange.contains(v))
    return make_error(ERANGE, "cpu.weight must be within " + kWeightRange.text());
  return static_cast<int>(v);
}

Result<CpuMaxRequest> parse_cpu_max(std::string_view text) {
  if (text.size() > kMaxControlWrite) return make_error(EINVAL, "value too long");
  auto line = trim(text);
  auto gap = line.find_first_of(" \t");
  auto first = line.substr(0, gap);
  auto rest = gap == std::string_view::npos ? std::string_view{} : trim(line.substr(gap));
  auto usec = [](std::string_view s, std::uint64_t* out) {
    long long v = 0;
    if (!parse_integer(s, v) || v < 0) return false;
    *out = static_cast<std::uint64_t>(v);
    return true;
  };
  const char* form = "cpu.max takes \"QUOTA PERIOD\" or \"max PERIOD\" in microseconds";
  CpuMaxRequest req;
  if (first == "max")
    req.max = true;
  else if (!usec(first, &req.quota_us))
    return make_error(EINVAL, form);
  if (!rest.empty()) {
    std::uint64_t period = 0;
    if (!usec(rest, &period)) return make_error(EINVAL, form);
    req.period_us = period;
  }
  return req;
}

Result<CpuSet> parse_cpus(std::string_view text) {
  if (text.size() > kMaxControlWrite) return make_error(EINVAL, "value too long");
  auto set = parse_cpu_list(trim(text));
  if (!set) return make_error(EINVAL, "cpus takes a CPU list such as 0-3,6");
  return *set;
}

Result<pid_t> parse_pid(std::string_view text) {
  if (text.size() > kMaxControlWrite) return make_error(EINVAL, "value too long");
  long long v = 0;
  if (!parse_integer(trim(text), v)) return make_error(EINVAL, "tasks takes one pid");
  if (v <= 0 || v > std::numeric_limits<pid_t>::max()) return make_error(EINVAL, "not a pid");
  return static_cast<pid_t>(v);
}

Result<UserniceEntry> parse_usernice(std::string_view text) {
  if (text.size() > kMaxControlWrite) return make_error(EINVAL, "value too long");
  auto line = trim(text);
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  std::size_t gap = 0;
  while (gap < line.size() && !is_space(line[gap])) ++gap;
  std::string_view uid_text = line.substr(0, gap);
  std::string_view nice_text = trim(line.substr(gap));
  long long uid = 0, nice = 0;
  if (gap == line.size() || !parse_integer(uid_text, uid) || !parse_integer(nice_text, nice))
    return make_error(EINVAL, "usernice takes one line: UID NICE");
  // (uid_t)-1 means "no uid" to every system call.
  if (uid < 0 || uid >= static_cast<long long>(static_cast<uid_t>(-1)))
    return make_error(EINVAL, "not a uid");
  if (!kUserniceRange.contains(nice))
    return make_error(ERANGE, "NICE must be within " + kUserniceRange.text());
  return UserniceEntry{static_cast<uid_t>(uid), static_cast<int>(nice)};
}

Result<std::string> parse_policy_name(std::string_view text) {
  if (text.size() > kMaxControlWrite) return make_error(EINVAL, "value too long");
  auto name = trim(text);
  if (name.empty()) return make_error(EINVAL, "scheduler takes a policy name");
  for (char c : name)
    if (c <= ' ' || c > '~') return make_error(EINVAL, "policy names have no spaces");
  return std::string(name);
}

}  // namespace fsched
