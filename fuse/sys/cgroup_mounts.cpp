#include "cgroup_mounts.hpp"

#include <algorithm>
#include <cerrno>
#include <sstream>

#include "mount_table.hpp"
#include "proc_stat.hpp"

namespace fsched {

namespace {
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
  for (auto& e : parse_mount_table(text)) {
    if (e.fstype != "cgroup" && e.fstype != "cgroup2") continue;
    CgroupMount m;
    m.version = e.fstype == "cgroup2" ? 2 : 1;
    m.root = std::move(e.root);
    m.mount_point = std::move(e.mount_point);
    if (m.version == 1) {
      for (auto& opt : split_list(e.super_options, ','))
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
  // v1 controllers the backend mirrors when they are mounted apart from cpu:
  // the twin of root in their hierarchy.
  auto apart = [&](const char* controller, std::optional<CgroupMount>* mount, std::string* root) {
    if (cpu->version != 1 || cpu->has(controller)) return;
    for (const auto& m : mounts)
      if (m.version == 1 && m.has(controller)) {
        *mount = m;
        *root = m.mount_point + layout.root.substr(cpu->mount_point.size());
        return;
      }
  };
  apart("cpuacct", &layout.acct, &layout.acct_root);
  apart("cpuset", &layout.cpuset, &layout.cpuset_root);
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
      for (auto& c : split_list(ctrls, ','))
        if (c == controller) return path;
    }
  }
  return std::nullopt;
}

}  // namespace fsched
