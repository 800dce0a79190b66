// Inode numbers are computed from what a node is, so the daemon keeps no
// inode table and forget() has nothing to free: kind in bits 48..55, an id
// (group id or pid) in bits 8..39, a sub-index (which file) in bits 0..7.
// A pid directory carries the process's start time as its generation, so a
// recycled pid never aliases a cached inode.
#pragma once

#include <string>

#include <cstdint>
#include <string_view>

namespace fsched {

enum class NodeKind : std::uint8_t {
  root = 1,
  schedulers_dir,
  scheduler_file,  // sub: index into known_policies()
  usernice_file,
  group_dir,   // id: GroupId
  group_file,  // id: GroupId, sub: GroupFile
  pid_dir,     // id: pid
  pid_file,    // id: pid, sub: PidFile
  guest_file,  // id: a loaded guest's id, or kUploadBit | n while cp writes it
};

// A guest file being written (cp into schedulers/) before it is loaded.
inline constexpr std::uint32_t kUploadBit = 0x80000000u;

enum class GroupFile : std::uint8_t { scheduler, cpu_weight, tasks, stats, cpu_max, cpus, count_ };
// Caps are a guest group's alone: 0 has neither cpu.max nor cpus.
inline bool is_cap_file(GroupFile f) {
  return f == GroupFile::cpu_max || f == GroupFile::cpus;
}
// proc is a symbolic link to /proc/PID, the RFC's "current /proc/<pid>".
enum class PidFile : std::uint8_t { comm, stats, proc, count_ };

struct Node {
  NodeKind kind = NodeKind::root;
  std::uint32_t id = 0;
  std::uint8_t sub = 0;

  bool is_dir() const {
    return kind == NodeKind::root || kind == NodeKind::schedulers_dir ||
           kind == NodeKind::group_dir || kind == NodeKind::pid_dir;
  }
  bool is_link() const {
    return kind == NodeKind::pid_file && sub == static_cast<std::uint8_t>(PidFile::proc);
  }
  bool operator==(const Node&) const = default;
};

std::uint64_t encode(Node node);
// false when the number is none of ours.
bool decode(std::uint64_t ino, Node* out);

std::string_view group_file_name(GroupFile f);
std::string_view pid_file_name(PidFile f);
bool group_file_from_name(std::string_view name, GroupFile* out);
bool pid_file_from_name(std::string_view name, PidFile* out);

// One name in a directory listing.
struct DirEntry {
  std::string name;
  Node node;
};

}  // namespace fsched
