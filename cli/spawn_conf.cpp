#include "spawn_conf.hpp"

#include <charconv>
#include <sstream>

#include "cli_error.hpp"

namespace fsched::cli {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string conf_path(const std::string& given, const std::string& cwd,
                      const std::string& exe_dir, const std::string& installed,
                      FileExists exists) {
  if (given.empty()) {
    std::string beside = exe_dir + "/spawn.conf";
    if (installed.empty() || !exists || exists(beside)) return beside;
    return installed;
  }
  if (given.front() == '/') return given;
  return cwd + "/" + given;
}

void find_programs_in(std::vector<SpawnLine>& lines, const std::string& fallback_dir,
                      FileExists exists) {
  for (auto& l : lines) {
    if (l.args.front().front() == '/' || exists(l.program)) continue;
    std::string there = fallback_dir + "/" + l.args.front();
    if (exists(there)) l.program = there;
  }
}

std::vector<SpawnLine> parse_spawn_conf(std::string_view text, const std::string& conf,
                                        long (*lookup)(const std::string& name)) {
  std::vector<SpawnLine> out;
  const std::string base = dir_of(conf);
  std::istringstream in{std::string(text)};
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty() || w.front().starts_with("#")) continue;
    auto where = conf + ":" + std::to_string(no) + ": ";
    if (w.size() < 2) throw CliError(where + "expected UID PROGRAM [ARGS], got \"" + line + "\"");
    SpawnLine s;
    s.line_no = no;
    const std::string& u = w[0];
    unsigned long long uid = 0;
    auto [ptr, ec] = std::from_chars(u.data(), u.data() + u.size(), uid);
    if (ec == std::errc() && ptr == u.data() + u.size()) {
      if (uid >= static_cast<uid_t>(-1)) throw CliError(where + "uid " + u + " is out of range");
      s.uid = static_cast<uid_t>(uid);
    } else {
      long found = lookup(u);
      if (found < 0) throw CliError(where + "no user named \"" + u + "\"");
      s.uid = static_cast<uid_t>(found);
    }
    s.program = w[1].front() == '/' ? w[1] : base + "/" + w[1];
    s.args.assign(w.begin() + 1, w.end());
    out.push_back(std::move(s));
  }
  if (out.empty()) throw CliError(conf + ": no UID PROGRAM lines");
  return out;
}

}  // namespace fsched::cli
