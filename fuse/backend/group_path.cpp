#include "group_path.hpp"

#include <algorithm>

namespace fsched {

std::string join_path(const GroupPath& path) {
  std::string out;
  for (const auto& c : path) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

bool has_prefix(const GroupPath& path, const GroupPath& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

GroupPath rebase(const GroupPath& path, const GroupPath& from, const GroupPath& to) {
  GroupPath out = to;
  out.insert(out.end(), path.begin() + static_cast<long>(from.size()), path.end());
  return out;
}

}  // namespace fsched
