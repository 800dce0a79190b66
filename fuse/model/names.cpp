#include "names.hpp"

#include <array>
#include <cerrno>
#include <charconv>

namespace fsched {

namespace {

bool allowed_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}
}  // namespace

bool is_all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool pid_from_name(std::string_view name, pid_t* out) {
  if (!is_all_digits(name)) return false;
  pid_t pid = 0;
  auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (ec != std::errc() || p != name.data() + name.size() || pid <= 0) return false;
  *out = pid;
  return true;
}

bool is_reserved_name(std::string_view name) {
  for (auto r : kGroupFileNames)
    if (name == r) return true;
  for (auto r : kReservedPidFileNames)
    if (name == r) return true;
  return false;
}

int check_group_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxGroupName || name.front() == '.') return EINVAL;
  // All digits would be read as a pid directory.
  if (is_all_digits(name)) return EINVAL;
  for (char c : name)
    if (!allowed_byte(c)) return EINVAL;
  if (is_reserved_name(name)) return EEXIST;
  return 0;
}

}  // namespace fsched
