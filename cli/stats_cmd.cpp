#include "stats_cmd.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli_error.hpp"
#include "mount_point.hpp"

namespace fsched::cli {

namespace {
bool whole(const std::string& s, const char* end) {
  return end == s.data() + s.size();
}
}  // namespace

std::string tree_path(const std::string& mount, const std::string& given) {
  namespace fs = std::filesystem;
  if (given.empty()) throw CliError("stats: empty PATH");
  fs::path p = fs::path(given).lexically_normal();
  if (p.is_absolute()) {
    fs::path m = fs::path(mount).lexically_normal();
    fs::path rel = p.lexically_relative(m);
    if (rel.empty() || *rel.begin() == "..")
      throw CliError(given + " is not inside the tree at " + mount);
    p = rel;
  }
  std::string s = p.generic_string();
  while (!s.empty() && s.back() == '/') s.pop_back();
  if (s.size() >= 6 && s.compare(s.size() - 6, 6, "/stats") == 0) s.resize(s.size() - 6);
  if (s.empty() || s == "." || s.rfind("..", 0) == 0 || (s != "0" && s.rfind("0/", 0) != 0))
    throw CliError("stats: " + given +
                   " is not a group or process of the tree (0, 0/fs, 0/fs/PID)");
  return s;
}

nlohmann::ordered_json stat_value_json(const std::string& v) {
  const char* b = v.data();
  const char* e = v.data() + v.size();
  if (!v.empty() && v.find_first_not_of("+-0123456789") == std::string::npos) {
    const char* at = (b != e && *b == '+') ? b + 1 : b;
    std::int64_t i;
    if (auto r = std::from_chars(at, e, i); r.ec == std::errc() && whole(v, r.ptr)) return i;
    std::uint64_t u;
    if (auto r = std::from_chars(at, e, u); r.ec == std::errc() && whole(v, r.ptr)) return u;
  }
  double d;
  if (auto r = std::from_chars(b, e, d);
      !v.empty() && r.ec == std::errc() && whole(v, r.ptr) && std::isfinite(d))
    return d;
  return v;
}

nlohmann::ordered_json stats_json(const std::string& path, const StatLines& lines) {
  nlohmann::ordered_json j;
  j["path"] = path;
  for (const auto& [key, value] : lines)
    if (key != "path") j[key] = stat_value_json(value);
  if (!j.contains("entitled_pct")) j["entitled_pct"] = nullptr;
  return j;
}

std::string stats_text(const std::string& path, const StatLines& lines, bool prefix) {
  std::string out;
  for (const auto& [key, value] : lines)
    out += (prefix ? path + " " : "") + key + " " + value + "\n";
  return out;
}

int run_stats(const StatsOptions& o) {
  const std::string mount = find_mount(o.mount);
  std::vector<std::string> paths;
  if (o.path.empty())
    paths = group_paths(mount);
  else
    paths.push_back(tree_path(mount, o.path));
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  std::string text;
  for (const auto& p : paths) {
    std::string raw;
    if (!read_tree_file(mount + "/" + p + "/stats", &raw)) {
      if (!o.path.empty())
        throw CliError("cannot read " + mount + "/" + p + "/stats: " + std::strerror(errno));
      continue;  // a group removed while we walked
    }
    const StatLines lines = parse_stat_lines(raw);
    if (o.json)
      all.push_back(stats_json(p, lines));
    else if (o.path.empty())
      text += stats_text(p, lines, true);
    else
      text = raw;  // one file: exactly what cat prints
  }
  if (o.json) text = (o.path.empty() ? all : all.at(0)).dump(2) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace fsched::cli
