// fsched rules check [FILE]: the daemon's own parser over a rules file, so
// an admin finds every mistake before a reload refuses the file.
#pragma once

#include <string>

#include "placement_rules.hpp"

namespace fsched::cli {

inline constexpr const char* kDefaultRulesFile = "/etc/fsched/rules";

// Prints the summary (stdout) or every error line (stderr); 0 when the
// file is good, 1 when not.
int run_rules_check(const std::string& file);

// "FILE: N rules, groups: 0/users, 0/batch" (groups in file order, each once).
std::string rules_summary(const std::string& file, const RuleSet& rules);

}  // namespace fsched::cli
