// A set of CPUs in the kernel's list syntax ("0-3,6"), as cpuset.cpus and
// /sys/devices/system/cpu/online write it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fsched {

// CONFIG_NR_CPUS of Debian's amd64 kernels.
inline constexpr std::size_t kMaxCpus = 8192;

// Words grow with the highest CPU, so an unset set costs nothing.
class CpuSet {
 public:
  CpuSet() = default;
  bool empty() const { return words_.empty(); }
  std::size_t count() const;
  bool has(std::size_t cpu) const {
    return cpu / 64 < words_.size() && (words_[cpu / 64] >> (cpu % 64)) & 1;
  }
  void add(std::size_t cpu);
  bool subset_of(const CpuSet& other) const;
  CpuSet operator&(const CpuSet& other) const;
  CpuSet operator|(const CpuSet& other) const;
  bool operator==(const CpuSet&) const = default;

 private:
  void trim();
  std::vector<std::uint64_t> words_;  // no trailing zero word
};

// "" and "\n" are the empty set; nullopt when malformed (a CPU past
// kMaxCpus included).
std::optional<CpuSet> parse_cpu_list(std::string_view text);
// Ranges joined by commas, "" for the empty set.
std::string format_cpu_list(const CpuSet& set);
// A file holding one list, e.g. /sys/devices/system/cpu/online.
std::optional<CpuSet> read_cpu_list_file(const std::string& path);

}  // namespace fsched
