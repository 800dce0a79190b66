#include "cpusets.hpp"

#include <algorithm>
#include <cerrno>

#include "cgroup_fs.hpp"

namespace fsched {

namespace {
class V2Cpusets final : public Cpusets {
 public:
  explicit V2Cpusets(std::string root) : root_(std::move(root)) {}
  std::string unsupported() const override {
    auto ctl = read_v2_controllers(root_);
    if (std::find(ctl.begin(), ctl.end(), "cpuset") != ctl.end()) return "";
    return "the cpuset controller is not available in " + root_ +
           "/cgroup.controllers (enable it in the parents' cgroup.subtree_control first)";
  }
  bool mirrored() const override { return false; }
  int make_dir(const std::string&, const std::string&) const override { return 0; }
  int enable(const std::string& dir) const override {
    auto sub = cgfs::read_file(dir + "/cgroup.subtree_control").value_or("");
    if (sub.find("cpuset") != std::string::npos) return 0;
    return cgfs::write_file(dir + "/cgroup.subtree_control", "+cpuset");
  }
  // "\n", not "": an empty write(2) never reaches the kernel's handler.
  int write(const std::string& dir, const CpuSet& cpus) const override {
    return cgfs::write_file(dir + "/cpuset.cpus", format_cpu_list(cpus) + "\n");
  }
  CpuSet cpus(const std::string& dir) const override {
    return read_cpu_list_file(dir + "/cpuset.cpus.effective").value_or(CpuSet{});
  }

 private:
  std::string root_;
};

class V1Cpusets final : public Cpusets {
 public:
  std::string unsupported() const override { return ""; }
  bool mirrored() const override { return true; }
  int make_dir(const std::string& dir, const std::string& parent) const override {
    if (int e = cgfs::make_dir(dir); e && e != EEXIST) return e;
    // A new cpuset has no CPUs and no memory nodes, and takes no process.
    for (const char* file : {"cpuset.mems", "cpuset.cpus"}) {
      auto value = cgfs::read_file(parent + "/" + file);
      if (!value) return ENOENT;
      if (int e = cgfs::write_file(dir + "/" + file, *value)) return e;
    }
    return 0;
  }
  int enable(const std::string&) const override { return 0; }
  int write(const std::string& dir, const CpuSet& cpus) const override {
    return cgfs::write_file(dir + "/cpuset.cpus", format_cpu_list(cpus));
  }
  CpuSet cpus(const std::string& dir) const override {
    return read_cpu_list_file(dir + "/cpuset.cpus").value_or(CpuSet{});
  }
};

class NoCpusets final : public Cpusets {
 public:
  explicit NoCpusets(std::string why) : why_(std::move(why)) {}
  std::string unsupported() const override { return why_; }
  bool mirrored() const override { return false; }
  int make_dir(const std::string&, const std::string&) const override { return 0; }
  int enable(const std::string&) const override { return EOPNOTSUPP; }
  int write(const std::string&, const CpuSet&) const override { return EOPNOTSUPP; }
  CpuSet cpus(const std::string&) const override { return {}; }

 private:
  std::string why_;
};
}  // namespace

std::unique_ptr<Cpusets> Cpusets::for_layout(const CgroupLayout& layout) {
  if (layout.version == 2) return std::make_unique<V2Cpusets>(layout.root);
  if (layout.cpuset) return std::make_unique<V1Cpusets>();
  return std::make_unique<NoCpusets>(
      layout.cpu.has("cpuset")
          ? "cpuset is mounted with cpu in one cgroup v1 hierarchy; fsched needs it apart"
          : "no cgroup v1 hierarchy has the cpuset controller");
}

}  // namespace fsched
