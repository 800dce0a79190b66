// Picks and builds the backend named by -o backend=.
#pragma once

#include <memory>

#include "backend.hpp"
#include "options.hpp"
#include "result.hpp"

namespace fsched {

Result<std::unique_ptr<Backend>> make_backend(const Options& options);

}  // namespace fsched
