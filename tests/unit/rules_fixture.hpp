// A NameLookup of a few fixed accounts, so the rules tests never depend on
// the machine's /etc/passwd and /etc/group.
#pragma once

#include <optional>
#include <string>

#include "placement_rules.hpp"

namespace fsched::test {

inline NameLookup fake_names() {
  NameLookup names;
  names.user = [](const std::string& n) -> std::optional<uid_t> {
    if (n == "alice") return 1000;
    if (n == "bob") return 1001;
    if (n == "nobody") return 65534;
    return std::nullopt;
  };
  names.group = [](const std::string& n) -> std::optional<gid_t> {
    if (n == "staff") return 50;
    if (n == "students") return 2000;
    return std::nullopt;
  };
  return names;
}

inline ProcessFacts facts(uid_t uid, gid_t gid = 100) {
  ProcessFacts f;
  f.uid = uid;
  f.gid = gid;
  return f;
}

}  // namespace fsched::test
