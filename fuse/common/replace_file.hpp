// A file replaced whole or not at all: readers (a Prometheus collector,
// the next daemon) see the old contents or the new, never a part.
#pragma once

#include <string>
#include <string_view>

#include "result.hpp"

namespace fsched {

// Writes `data` to a hidden temporary file in `dir` (".NAME.XXXXXX", so a
// collector matching "*.prom" skips it), mode 0644, synced, then renames it
// to DIR/NAME. On error the temporary file is gone and DIR/NAME unchanged.
[[nodiscard]] Status replace_file(const std::string& dir, const std::string& name,
                                  std::string_view data);

}  // namespace fsched
