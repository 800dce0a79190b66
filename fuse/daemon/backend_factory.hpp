// Chooses and builds the backend the daemon runs on.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "backend.hpp"
#include "result.hpp"

namespace fsched {

// `kind`: auto (scx where the kernel can run it, else cgroup), cgroup, scx.
Result<std::unique_ptr<Backend>> make_backend(std::string_view kind,
                                              const std::string& cgroup_root,
                                              const std::string& guest_dir);

}  // namespace fsched
