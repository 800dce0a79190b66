#include "cgroup_mounts.hpp"

#include <algorithm>
#include <cerrno>
#include <sstream>

#include "proc_stat.hpp"

namespace fsched {

namespace {
std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// mountinfo escapes spaces and friends as \040 etc.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      auto oct = s.substr(i + 1, 3);
      if (oct.size() == 3 &&
          std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool inside(const std::string& path, const std::string& dir) {
  if (path == dir) return true;
  std::string d = dir.ends_with('/') ? dir : dir + "/";
  return path.starts_with(d);
}
}  // namespace

bool CgroupMount::has(std::string_view controller) const {
  return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

std::vector<CgroupMount> parse_mountinfo(std::string_view text) {
  std::vector<CgroupMount> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    auto fields = split(line, ' ');
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (dash == fields.end() || fields.size() < 5 || fields.end() - dash < 4) continue;
    const std::string& fstype = *(dash + 1);
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount m;
    m.version = fstype == "cgroup2" ? 2 : 1;
    m.root = unescape(fields[3]);
    m.mount_point = unescape(fields[4]);
    if (m.version == 1) {
      for (auto& opt : split(*(dash + 3), ','))
        if (opt != "rw" && opt != "ro") m.controllers.push_back(opt);
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<std::string> read_v2_controllers(const std::string& dir) {
  auto text = read_small_file(dir + "/cgroup.controllers");
  if (!text) return {};
  std::vector<std::string> out;
  std::istringstream in(*text);
  std::string c;
  while (in >> c) out.push_back(c);
  return out;
}

Result<CgroupLayout> choose_layout(const std::vector<CgroupMount>& mounts,
                                   const std::string& wanted_root,
                                   std::vector<std::string> (*v2_controllers)(const std::string&)) {
  auto with_cpu = [&](const CgroupMount& m) {
    if (m.version == 1) return m.has("cpu");
    auto c = v2_controllers(m.mount_point);
    return std::find(c.begin(), c.end(), "cpu") != c.end();
  };
  const CgroupMount* cpu = nullptr;
  if (!wanted_root.empty()) {
    // The deepest cgroup mount holding the wanted directory.
    for (const auto& m : mounts)
      if (inside(wanted_root, m.mount_point) &&
          (!cpu || m.mount_point.size() > cpu->mount_point.size()))
        cpu = &m;
    if (!cpu) return make_error(EINVAL, "cgroup_root " + wanted_root + " is not in a cgroup mount");
    if (!with_cpu(*cpu))
      return make_error(
          EINVAL, "cgroup_root " + wanted_root + " is in a hierarchy without the cpu controller");
  } else {
    for (const auto& m : mounts)
      if (m.version == 2 && with_cpu(m)) {
        cpu = &m;
        break;
      }
    if (!cpu)
      for (const auto& m : mounts)
        if (m.version == 1 && with_cpu(m)) {
          cpu = &m;
          break;
        }
    if (!cpu) return make_error(ENOENT, "no cgroup hierarchy has the cpu controller");
  }
  CgroupLayout layout;
  layout.version = cpu->version;
  layout.cpu = *cpu;
  layout.root = wanted_root.empty() ? cpu->mount_point : wanted_root;
  while (layout.root.size() > 1 && layout.root.ends_with('/')) layout.root.pop_back();
  if (cpu->version == 1 && !cpu->has("cpuacct")) {
    for (const auto& m : mounts) {
      if (m.version == 1 && m.has("cpuacct")) {
        layout.acct = m;
        layout.acct_root = m.mount_point + layout.root.substr(cpu->mount_point.size());
        break;
      }
    }
  }
  return layout;
}

std::optional<std::string> cgroup_path_in(std::string_view proc_cgroup, int version,
                                          std::string_view controller) {
  std::istringstream in{std::string(proc_cgroup)};
  std::string line;
  while (std::getline(in, line)) {
    auto c1 = line.find(':');
    if (c1 == std::string::npos) continue;
    auto c2 = line.find(':', c1 + 1);
    if (c2 == std::string::npos) continue;
    std::string id = line.substr(0, c1);
    std::string ctrls = line.substr(c1 + 1, c2 - c1 - 1);
    std::string path = line.substr(c2 + 1);
    if (version == 2 && id == "0" && ctrls.empty()) return path;
    if (version == 1) {
      for (auto& c : split(ctrls, ','))
        if (c == controller) return path;
    }
  }
  return std::nullopt;
}

}  // namespace fsched
