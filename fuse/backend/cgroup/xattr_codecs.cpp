#include "xattr_codecs.hpp"

#include <charconv>
#include <sstream>

#include "ranges.hpp"

#include "weight.hpp"

namespace fsched {

std::string format_settings(const GroupSettings& s) {
  char mode[16];
  std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(s.mode));
  return "weight=" + std::to_string(s.weight) + " policy=" + std::string(policy_name(s.policy)) +
         " uid=" + std::to_string(s.uid) + " gid=" + std::to_string(s.gid) + " mode=" + mode +
         " quota=" + (s.cpu_max.limited() ? std::to_string(s.cpu_max.quota_us) : "max") +
         " period=" + std::to_string(s.cpu_max.period_us) + " cpus=" + format_cpu_list(s.cpus);
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
      auto policy = policy_from_name(val);
      ok = policy.has_value();
      if (ok) s.policy = *policy;
    } else if (key == "uid") {
      ok = number(val, s.uid, 10);
    } else if (key == "gid") {
      ok = number(val, s.gid, 10);
    } else if (key == "mode") {
      unsigned m = 0;
      ok = number(val, m, 8) && m <= 07777;
      s.mode = m;
    } else if (key == "quota") {
      s.cpu_max.quota_us = 0;
      ok = val == "max" || (number(val, s.cpu_max.quota_us, 10) && s.cpu_max.quota_us > 0);
    } else if (key == "period") {
      ok = number(val, s.cpu_max.period_us, 10) && s.cpu_max.period_us > 0;
    } else if (key == "cpus") {
      auto cpus = parse_cpu_list(val);
      ok = cpus.has_value();
      if (ok) s.cpus = *cpus;
    }
    if (!ok) return std::nullopt;
  }
  return s;
}

std::string format_home(const LeafHome& h) {
  return h.cpu + "\n" + h.acct + (h.cpuset.empty() ? "" : "\n" + h.cpuset);
}

std::optional<LeafHome> parse_home(std::string_view text) {
  LeafHome h;
  std::string* fields[] = {&h.cpu, &h.acct, &h.cpuset};
  for (auto* field : fields) {
    auto nl = text.find('\n');
    *field = std::string(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  if (h.cpu.empty()) return std::nullopt;
  return h;
}

std::string format_usage(const Usage& u) {
  return std::to_string(u.usage_usec) + " " + std::to_string(u.user_usec) + " " +
         std::to_string(u.system_usec);
}

std::optional<Usage> parse_usage(std::string_view text) {
  std::istringstream in{std::string(text)};
  Usage u;
  if (!(in >> u.usage_usec >> u.user_usec >> u.system_usec)) return std::nullopt;
  return u;
}

std::string format_usernice_levels(const std::map<uid_t, int>& levels) {
  std::string text;
  for (const auto& [uid, level] : levels)
    if (level != 0) text += std::to_string(uid) + " " + std::to_string(level) + "\n";
  return text;
}

std::map<uid_t, int> parse_usernice_levels(std::string_view text) {
  std::map<uid_t, int> out;
  std::istringstream in{std::string(text)};
  long long uid = 0, level = 0;
  while (in >> uid >> level)
    if (uid >= 0 && uid < static_cast<long long>(static_cast<uid_t>(-1)) &&
        kUserniceRange.contains(level) && level != 0)
      out[static_cast<uid_t>(uid)] = static_cast<int>(level);
  return out;
}

}  // namespace fsched
