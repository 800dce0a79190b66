#include "rules_cmd.hpp"

#include <cstdio>
#include <string>

namespace fsched::cli {

std::string rules_summary(const std::string& file, const RuleSet& rules) {
  const auto n = rules.rules().size();
  std::string s = file + ": " + std::to_string(n) + (n == 1 ? " rule" : " rules");
  const auto groups = rules.groups();
  if (groups.empty()) return s;
  s += ", groups: ";
  for (std::size_t i = 0; i < groups.size(); ++i) s += (i ? ", " : "") + group_text(groups[i]);
  return s;
}

int run_rules_check(const std::string& file) {
  auto rules = load_rules(file);
  if (!rules) {
    // As the daemon logs them, "FILE:LINE: reason", which editors and
    // grep -n users already read; no "fsched:" in front.
    std::fprintf(stderr, "%s\n", rules.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", rules_summary(file, *rules).c_str());
  return 0;
}

}  // namespace fsched::cli
