// The text of every readable file in the tree. Call with the tree lock held
// (shared is enough).
#pragma once

#include <optional>
#include <string>

#include "inode.hpp"
#include "stats_book.hpp"
#include "tree.hpp"

namespace fsched {

// nullopt when the node no longer exists.
std::optional<std::string> render(const Tree& tree, Backend& backend, const StatsBook& stats,
                                  Node node);

std::string format_pct(double pct);

}  // namespace fsched
