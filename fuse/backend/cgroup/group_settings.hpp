// GroupSettings as one line of text, the form the cgroup backend keeps in
// an extended attribute on each group's directory.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "backend.hpp"

namespace fsched {

std::string format_settings(const GroupSettings& s);  // "weight=100 policy=fair uid=0 ..."
// Unknown keys are skipped so newer daemons can add some; nullopt when a
// known key holds garbage.
std::optional<GroupSettings> parse_settings(std::string_view text);

}  // namespace fsched
