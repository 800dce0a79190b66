#include "group_settings.hpp"

#include <charconv>

#include "weight.hpp"

namespace fsched {

std::string format_settings(const GroupSettings& s) {
  char mode[16];
  std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(s.mode));
  return "weight=" + std::to_string(s.weight) + " policy=" + s.policy +
         " uid=" + std::to_string(s.uid) + " gid=" + std::to_string(s.gid) + " mode=" + mode;
}

std::optional<GroupSettings> parse_settings(std::string_view text) {
  GroupSettings s;
  auto number = [](std::string_view v, auto& out, int base) {
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out, base);
    return ec == std::errc() && p == v.data() + v.size();
  };
  while (!text.empty()) {
    auto sp = text.find(' ');
    auto item = text.substr(0, sp);
    text = sp == std::string_view::npos ? std::string_view{} : text.substr(sp + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    auto key = item.substr(0, eq);
    auto val = item.substr(eq + 1);
    bool ok = true;
    if (key == "weight") {
      ok = number(val, s.weight, 10) && kWeightRange.contains(s.weight);
    } else if (key == "policy") {
      ok = !val.empty();
      s.policy = std::string(val);
    } else if (key == "uid") {
      ok = number(val, s.uid, 10);
    } else if (key == "gid") {
      ok = number(val, s.gid, 10);
    } else if (key == "mode") {
      unsigned m = 0;
      ok = number(val, m, 8) && m <= 07777;
      s.mode = m;
    }
    if (!ok) return std::nullopt;
  }
  return s;
}

}  // namespace fsched
