// The one fatal error of the fsched command: what went wrong, said so a
// user can act on it. main() prints it and exits 1.
#pragma once

#include <stdexcept>
#include <string>

namespace fsched::cli {

class CliError : public std::runtime_error {
 public:
  explicit CliError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace fsched::cli
