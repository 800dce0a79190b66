#include "nodes.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "names.hpp"
#include "policies.hpp"

namespace fsched {

namespace {
std::int64_t process_start_sec(const FsContext& ctx, const Process& p) {
  static const long hz = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
  return ctx.boot_time + static_cast<std::int64_t>(p.info.start_time / static_cast<unsigned>(hz));
}

void fill(struct stat* st, std::uint64_t ino, mode_t mode, uid_t uid, gid_t gid, nlink_t nlink,
          std::int64_t time) {
  std::memset(st, 0, sizeof *st);
  st->st_ino = ino;
  st->st_mode = mode;
  st->st_uid = uid;
  st->st_gid = gid;
  st->st_nlink = nlink;
  st->st_blksize = 4096;
  st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec = time;
}

}  // namespace

std::optional<GuestInfo> find_guest(const Backend& backend, std::uint32_t id) {
  for (auto& g : backend.guests())
    if (g.id == id) return g;
  return std::nullopt;
}

namespace {
const Process* process_node(const FsContext& ctx, Node node) {
  return ctx.tree.process(static_cast<pid_t>(node.id));
}
}  // namespace

int node_stat(const FsContext& ctx, Node node, struct stat* st) {
  const Tree& tree = ctx.tree;
  const std::uint64_t ino = encode(node);
  const Group* host = tree.group(kHostGroup);
  switch (node.kind) {
    case NodeKind::root:
      fill(st, ino, S_IFDIR | 0555, 0, 0, 4, host->ctime_sec);
      return 0;
    case NodeKind::schedulers_dir:
      // Sticky and open to all, as /tmp: the kernel lets anyone's create
      // and unlink reach the daemon, which answers EPERM to all but root
      // (the spec's errno, where a 0755 directory would give EACCES).
      fill(st, ino, S_IFDIR | 01777, 0, 0, 2, host->ctime_sec);
      return 0;
    case NodeKind::guest_file: {
      if (!(node.id & kUploadBit) && !find_guest(tree.backend(), node.id)) return ENOENT;
      fill(st, ino, S_IFREG | 0644, 0, 0, 1, host->ctime_sec);
      return 0;
    }
    case NodeKind::scheduler_file: {
      auto policies = known_policies();
      if (node.sub >= policies.size() || !tree.backend().supports_policy(policies[node.sub].policy))
        return ENOENT;
      fill(st, ino, S_IFREG | 0444, 0, 0, 1, host->ctime_sec);
      return 0;
    }
    case NodeKind::usernice_file:
      // Everyone may write; the daemon decides by what is written
      // (tree.set_usernice), as /proc/<pid>/oom_score_adj is checked.
      fill(st, ino, S_IFREG | 0666, 0, 0, 1, host->ctime_sec);
      return 0;
    case NodeKind::group_dir: {
      const Group* g = tree.group(node.id);
      if (!g) return ENOENT;
      fill(st, ino, S_IFDIR | (g->settings.mode & 07777), g->settings.uid, g->settings.gid,
           2 + g->children.size() + g->procs.size(), g->ctime_sec);
      return 0;
    }
    case NodeKind::group_file: {
      const Group* g = tree.group(node.id);
      if (!g) return ENOENT;
      // The controls of a group belong to whoever splits its parent's CPU.
      const Group* owner = g->is_host() ? g : tree.group(g->parent);
      switch (static_cast<GroupFile>(node.sub)) {
        case GroupFile::cpu_max:
        case GroupFile::cpus:
          if (g->is_host()) return ENOENT;
          [[fallthrough]];
        case GroupFile::scheduler:
        case GroupFile::cpu_weight:
          fill(st, ino, S_IFREG | (g->is_host() ? 0444 : 0644), owner->settings.uid,
               owner->settings.gid, 1, g->ctime_sec);
          break;
        case GroupFile::tasks:
          fill(st, ino, S_IFREG | 0444 | (g->settings.mode & 0222), g->settings.uid,
               g->settings.gid, 1, g->ctime_sec);
          break;
        default:
          fill(st, ino, S_IFREG | 0444, g->settings.uid, g->settings.gid, 1, g->ctime_sec);
      }
      return 0;
    }
    case NodeKind::pid_dir: {
      const Process* p = process_node(ctx, node);
      if (!p) return ENOENT;
      // u+w: the kernel asks for write permission on a directory that
      // changes parents, and moving their process is its owner's right.
      fill(st, ino, S_IFDIR | 0755, p->info.uid, p->info.gid, 2, process_start_sec(ctx, *p));
      return 0;
    }
    case NodeKind::pid_file: {
      const Process* p = process_node(ctx, node);
      if (!p) return ENOENT;
      if (static_cast<PidFile>(node.sub) == PidFile::proc) {
        // Links are 0777 and owned as /proc/PID is, as procfs's own are.
        fill(st, ino, S_IFLNK | 0777, p->info.uid, p->info.gid, 1, process_start_sec(ctx, *p));
        st->st_size = static_cast<off_t>(proc_link_target(static_cast<pid_t>(node.id)).size());
        return 0;
      }
      fill(st, ino, S_IFREG | 0444, p->info.uid, p->info.gid, 1, process_start_sec(ctx, *p));
      return 0;
    }
  }
  return ENOENT;
}

std::string proc_link_target(pid_t pid) {
  return "/proc/" + std::to_string(pid);
}

std::uint64_t node_generation(const FsContext& ctx, Node node) {
  if (node.kind != NodeKind::pid_dir && node.kind != NodeKind::pid_file) return 0;
  const Process* p = process_node(ctx, node);
  return p ? p->info.start_time : 0;
}

int resolve(const FsContext& ctx, Node parent, std::string_view name, Node* out) {
  const Tree& tree = ctx.tree;
  switch (parent.kind) {
    case NodeKind::root:
      if (name == "0") {
        *out = Node{NodeKind::group_dir, kHostGroup, 0};
        return 0;
      }
      if (name == "schedulers") {
        *out = Node{NodeKind::schedulers_dir, 0, 0};
        return 0;
      }
      if (name == "usernice") {
        *out = Node{NodeKind::usernice_file, 0, 0};
        return 0;
      }
      return ENOENT;
    case NodeKind::schedulers_dir: {
      auto policies = known_policies();
      for (std::size_t i = 0; i < policies.size(); ++i)
        if (policies[i].name == name && tree.backend().supports_policy(policies[i].policy)) {
          *out = Node{NodeKind::scheduler_file, 0, static_cast<std::uint8_t>(i)};
          return 0;
        }
      for (const auto& g : tree.backend().guests())
        if (g.name == name) {
          *out = Node{NodeKind::guest_file, g.id, 0};
          return 0;
        }
      if (auto up = ctx.uploads.find(std::string(name)); up != ctx.uploads.end()) {
        *out = Node{NodeKind::guest_file, up->second->id, 0};
        return 0;
      }
      return ENOENT;
    }
    case NodeKind::group_dir: {
      const Group* g = tree.group(parent.id);
      if (!g) return ENOENT;
      GroupFile f;
      if (group_file_from_name(name, &f) && !(g->is_host() && is_cap_file(f))) {
        *out = Node{NodeKind::group_file, parent.id, static_cast<std::uint8_t>(f)};
        return 0;
      }
      if (is_all_digits(name)) {
        pid_t pid = 0;
        if (!pid_from_name(name, &pid) || !g->procs.count(pid)) return ENOENT;
        *out = Node{NodeKind::pid_dir, static_cast<std::uint32_t>(pid), 0};
        return 0;
      }
      if (auto id = tree.child(parent.id, name)) {
        *out = Node{NodeKind::group_dir, *id, 0};
        return 0;
      }
      return ENOENT;
    }
    case NodeKind::pid_dir: {
      if (!process_node(ctx, parent)) return ENOENT;
      PidFile f;
      if (!pid_file_from_name(name, &f)) return ENOENT;
      *out = Node{NodeKind::pid_file, parent.id, static_cast<std::uint8_t>(f)};
      return 0;
    }
    default:
      return ENOTDIR;
  }
}

bool list_dir(const FsContext& ctx, Node dir, std::vector<DirEntry>* out) {
  const Tree& tree = ctx.tree;
  out->clear();
  switch (dir.kind) {
    case NodeKind::root:
      out->push_back({".", dir});
      out->push_back({"..", dir});
      out->push_back({"schedulers", Node{NodeKind::schedulers_dir, 0, 0}});
      out->push_back({"usernice", Node{NodeKind::usernice_file, 0, 0}});
      out->push_back({"0", Node{NodeKind::group_dir, kHostGroup, 0}});
      return true;
    case NodeKind::schedulers_dir: {
      out->push_back({".", dir});
      out->push_back({"..", Node{}});
      auto policies = known_policies();
      for (std::size_t i = 0; i < policies.size(); ++i)
        if (tree.backend().supports_policy(policies[i].policy))
          out->push_back({std::string(policies[i].name),
                          Node{NodeKind::scheduler_file, 0, static_cast<std::uint8_t>(i)}});
      for (const auto& g : tree.backend().guests())
        out->push_back({g.name, Node{NodeKind::guest_file, g.id, 0}});
      return true;
    }
    case NodeKind::group_dir: {
      const Group* g = tree.group(dir.id);
      if (!g) return false;
      out->reserve(6 + g->children.size() + g->procs.size());
      out->push_back({".", dir});
      out->push_back({"..", g->is_host() ? Node{} : Node{NodeKind::group_dir, g->parent, 0}});
      for (int f = 0; f < static_cast<int>(GroupFile::count_); ++f)
        if (!(g->is_host() && is_cap_file(static_cast<GroupFile>(f))))
          out->push_back({std::string(group_file_name(static_cast<GroupFile>(f))),
                          Node{NodeKind::group_file, dir.id, static_cast<std::uint8_t>(f)}});
      for (const auto& [name, id] : g->children)
        out->push_back({name, Node{NodeKind::group_dir, id, 0}});
      for (pid_t pid : g->procs)
        out->push_back(
            {std::to_string(pid), Node{NodeKind::pid_dir, static_cast<std::uint32_t>(pid), 0}});
      return true;
    }
    case NodeKind::pid_dir: {
      const Process* p = process_node(ctx, dir);
      if (!p) return false;
      out->push_back({".", dir});
      out->push_back({"..", Node{NodeKind::group_dir, p->group, 0}});
      for (int f = 0; f < static_cast<int>(PidFile::count_); ++f)
        out->push_back({std::string(pid_file_name(static_cast<PidFile>(f))),
                        Node{NodeKind::pid_file, dir.id, static_cast<std::uint8_t>(f)}});
      return true;
    }
    default:
      return false;
  }
}

}  // namespace fsched
