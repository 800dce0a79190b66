// Group paths below 0: {"guest", "batch"} is 0/guest/batch.
#pragma once

#include <string>
#include <vector>

namespace fsched {

using GroupPath = std::vector<std::string>;

std::string join_path(const GroupPath& path);  // "guest/batch"; "" for 0
bool has_prefix(const GroupPath& path, const GroupPath& prefix);
// `path` (inside `from`) moved under `to`.
GroupPath rebase(const GroupPath& path, const GroupPath& from, const GroupPath& to);

}  // namespace fsched
