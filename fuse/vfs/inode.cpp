#include "inode.hpp"

#include "names.hpp"

namespace fsched {

static_assert(kGroupFileNames.size() == static_cast<std::size_t>(GroupFile::count_));
static_assert(kPidFileNames.size() == static_cast<std::size_t>(PidFile::count_));

std::uint64_t encode(Node node) {
  if (node.kind == NodeKind::root) return 1;  // FUSE_ROOT_ID
  return (static_cast<std::uint64_t>(node.kind) << 48) |
         (static_cast<std::uint64_t>(node.id) << 8) | node.sub;
}

bool decode(std::uint64_t ino, Node* out) {
  if (ino == 1) {
    *out = Node{};
    return true;
  }
  auto kind = static_cast<std::uint8_t>(ino >> 48);
  if (kind < static_cast<std::uint8_t>(NodeKind::schedulers_dir) ||
      kind > static_cast<std::uint8_t>(NodeKind::guest_file) || (ino >> 56) != 0)
    return false;
  out->kind = static_cast<NodeKind>(kind);
  out->id = static_cast<std::uint32_t>((ino >> 8) & 0xffffffffu);
  out->sub = static_cast<std::uint8_t>(ino & 0xff);
  if (out->kind == NodeKind::group_file && out->sub >= static_cast<std::uint8_t>(GroupFile::count_))
    return false;
  if (out->kind == NodeKind::pid_file && out->sub >= static_cast<std::uint8_t>(PidFile::count_))
    return false;
  return true;
}

std::string_view group_file_name(GroupFile f) {
  return kGroupFileNames[static_cast<int>(f)];
}
std::string_view pid_file_name(PidFile f) {
  return kPidFileNames[static_cast<int>(f)];
}

bool group_file_from_name(std::string_view name, GroupFile* out) {
  for (int i = 0; i < static_cast<int>(GroupFile::count_); ++i)
    if (kGroupFileNames[i] == name) {
      *out = static_cast<GroupFile>(i);
      return true;
    }
  return false;
}

bool pid_file_from_name(std::string_view name, PidFile* out) {
  for (int i = 0; i < static_cast<int>(PidFile::count_); ++i)
    if (kPidFileNames[i] == name) {
      *out = static_cast<PidFile>(i);
      return true;
    }
  return false;
}

}  // namespace fsched
