#include "cpu_knobs.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

#include "cgroup_fs.hpp"
#include "weight.hpp"

namespace fsched {

namespace {
// "key value" lines, as cpu.stat has them.
std::map<std::string, std::uint64_t> read_keyed(const std::string& file) {
  std::map<std::string, std::uint64_t> out;
  auto text = cgfs::read_file(file);
  if (!text) return out;
  std::istringstream in(*text);
  std::string key;
  std::uint64_t value;
  while (in >> key >> value) out[key] = value;
  return out;
}

bool kernel_at_least(int major, int minor) {
  struct utsname u;
  if (uname(&u) != 0) return false;
  int ma = 0, mi = 0;
  if (std::sscanf(u.release, "%d.%d", &ma, &mi) != 2) return false;
  return ma > major || (ma == major && mi >= minor);
}

class V1CpuKnobs final : public CpuKnobs {
 public:
  std::string prepare_root(const std::string&) const override { return ""; }
  bool has_idle(const CgroupLayout& layout) const override {
    return cgfs::exists(layout.cpu.mount_point + "/cpu.idle") ||
           cgfs::exists(layout.root + "/cpu.idle");
  }
  int enable_cpu(const std::string&) const override { return 0; }
  int set_weight(const std::string& dir, int weight) const override {
    return cgfs::write_file(dir + "/cpu.shares", std::to_string(weight_to_shares(weight)));
  }
  std::optional<int> weight(const std::string& dir) const override {
    auto shares = cgfs::read_integer(dir + "/cpu.shares");
    if (!shares) return std::nullopt;
    return shares_to_weight(static_cast<std::uint64_t>(*shares));
  }
  // v1 has no nice knob: cpu.shares takes the CFS load of the level.
  int set_nice(const std::string& dir, int nice) const override {
    return cgfs::write_file(dir + "/cpu.shares", std::to_string(nice_to_load(nice)));
  }
  Usage usage(const std::string& dir) const override {
    auto us = [&](const char* file) {
      auto v = cgfs::read_integer(dir + "/" + file);
      return v && *v > 0 ? static_cast<std::uint64_t>(*v) / 1000 : 0;
    };
    return Usage{us("cpuacct.usage"), us("cpuacct.usage_user"), us("cpuacct.usage_sys")};
  }
  // The kernel checks a quota against the parent's at each write, so a
  // limit goes away first and the new one comes last.
  int set_cpu_max(const std::string& dir, const CpuMax& max) const override {
    auto before = cpu_max(dir);
    if (!before) return ENOENT;
    auto apply = [&](const CpuMax& m) {
      if (int e = cgfs::write_file(dir + "/cpu.cfs_quota_us", "-1")) return e;
      if (int e = cgfs::write_file(dir + "/cpu.cfs_period_us", std::to_string(m.period_us)))
        return e;
      return m.limited() ? cgfs::write_file(dir + "/cpu.cfs_quota_us", std::to_string(m.quota_us))
                         : 0;
    };
    int e = apply(max);
    if (e && apply(*before) != 0) return e;  // as it was, as far as the kernel lets us
    return e;
  }
  std::optional<CpuMax> cpu_max(const std::string& dir) const override {
    auto quota = cgfs::read_integer(dir + "/cpu.cfs_quota_us");
    auto period = cgfs::read_integer(dir + "/cpu.cfs_period_us");
    if (!quota || !period || *period <= 0) return std::nullopt;
    return CpuMax{*quota > 0 ? static_cast<std::uint64_t>(*quota) : 0,
                  static_cast<std::uint64_t>(*period)};
  }
  Throttling throttling(const std::string& dir) const override {
    auto stat = read_keyed(dir + "/cpu.stat");
    return Throttling{stat["nr_periods"], stat["nr_throttled"], stat["throttled_time"] / 1000};
  }
  bool renames_in_place() const override { return true; }
};

class V2CpuKnobs final : public CpuKnobs {
 public:
  std::string prepare_root(const std::string& root) const override {
    auto ctl = read_v2_controllers(root);
    if (std::find(ctl.begin(), ctl.end(), "cpu") == ctl.end())
      return "the cpu controller is not available in " + root +
             "/cgroup.controllers (enable it in the parents first)";
    auto sub = cgfs::read_file(root + "/cgroup.subtree_control").value_or("");
    if (sub.find("cpu") != std::string::npos) return "";
    if (int e = enable_cpu(root))
      return "cannot enable cpu in " + root + "/cgroup.subtree_control: " + std::strerror(e) +
             " (cgroup v2 refuses it while that cgroup holds processes; choose an empty "
             "cgroup_root)";
    return "";
  }
  // cpu.idle came in 5.15; a root cgroup has none to look at.
  bool has_idle(const CgroupLayout& layout) const override {
    return cgfs::exists(layout.root + "/cpu.idle") || kernel_at_least(5, 15);
  }
  int enable_cpu(const std::string& dir) const override {
    return cgfs::write_file(dir + "/cgroup.subtree_control", "+cpu");
  }
  int set_weight(const std::string& dir, int weight) const override {
    return cgfs::write_file(dir + "/cpu.weight", std::to_string(weight));
  }
  std::optional<int> weight(const std::string& dir) const override {
    auto w = cgfs::read_integer(dir + "/cpu.weight");
    if (!w) return std::nullopt;
    return static_cast<int>(*w);
  }
  int set_nice(const std::string& dir, int nice) const override {
    return cgfs::write_file(dir + "/cpu.weight.nice", std::to_string(nice));
  }
  Usage usage(const std::string& dir) const override {
    Usage u;
    auto text = cgfs::read_file(dir + "/cpu.stat");
    if (!text) return u;
    std::istringstream in(*text);
    std::string key;
    std::uint64_t value;
    while (in >> key >> value) {
      if (key == "usage_usec") u.usage_usec = value;
      if (key == "user_usec") u.user_usec = value;
      if (key == "system_usec") u.system_usec = value;
    }
    return u;
  }
  int set_cpu_max(const std::string& dir, const CpuMax& max) const override {
    return cgfs::write_file(dir + "/cpu.max",
                            (max.limited() ? std::to_string(max.quota_us) : "max") + " " +
                                std::to_string(max.period_us));
  }
  std::optional<CpuMax> cpu_max(const std::string& dir) const override {
    auto text = cgfs::read_file(dir + "/cpu.max");
    if (!text) return std::nullopt;
    std::istringstream in(*text);
    std::string quota;
    std::uint64_t period = 0;
    if (!(in >> quota >> period) || period == 0) return std::nullopt;
    CpuMax m{0, period};
    if (quota != "max") m.quota_us = std::strtoull(quota.c_str(), nullptr, 10);
    return m;
  }
  Throttling throttling(const std::string& dir) const override {
    auto stat = read_keyed(dir + "/cpu.stat");
    return Throttling{stat["nr_periods"], stat["nr_throttled"], stat["throttled_usec"]};
  }
  bool renames_in_place() const override { return false; }
};
}  // namespace

std::unique_ptr<CpuKnobs> CpuKnobs::for_layout(const CgroupLayout& layout) {
  if (layout.version == 2) return std::make_unique<V2CpuKnobs>();
  return std::make_unique<V1CpuKnobs>();
}

}  // namespace fsched
