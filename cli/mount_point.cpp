#include "mount_point.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli_error.hpp"

namespace fsched::cli {

namespace {
// mountinfo escapes spaces and the like as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (std::size_t k = 1; k <= 3; ++k) {
        char c = s[i + k];
        if (c < '0' || c > '7') ok = false;
        v = v * 8 + (c - '0');
      }
      if (ok) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string without_trailing_slash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

bool is_tree(const std::string& dir) {
  struct stat st;
  return ::stat((dir + "/0/tasks").c_str(), &st) == 0;
}
}  // namespace

std::vector<std::string> fschedfs_mounts(std::string_view mountinfo) {
  std::vector<std::string> out;
  std::istringstream in{std::string(mountinfo)};
  std::string line;
  while (std::getline(in, line)) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream left(line.substr(0, dash)), right(line.substr(dash + 3));
    std::string id, parent, dev, root, point, type;
    if (!(left >> id >> parent >> dev >> root >> point) || !(right >> type)) continue;
    // A mount of a part of the tree (schedulers/ bound on /proc/schedulers)
    // is not a tree.
    if (type == "fuse.fschedfs" && root == "/") out.push_back(unescape(point));
  }
  return out;
}

std::string find_mount(const std::string& given) {
  std::string dir = given;
  if (dir.empty())
    if (const char* env = std::getenv("FSCHED_MOUNT"); env && *env) dir = env;
  if (!dir.empty()) {
    if (!is_tree(dir)) throw CliError(dir + " is not a mounted sched-groups tree (no 0/tasks)");
    return dir;
  }
  std::ifstream f("/proc/self/mountinfo");
  std::stringstream text;
  text << f.rdbuf();
  auto mounts = fschedfs_mounts(text.str());
  if (mounts.empty())
    throw CliError(
        "no fschedfs mount found: mount one (fschedfs /run/sched-groups) or give --mount DIR");
  for (const char* usual : {"/run/sched-groups", "/proc/sched-groups"})
    if (std::find(mounts.begin(), mounts.end(), usual) != mounts.end()) return usual;
  return mounts.front();
}

std::string tasks_file_of(const std::string& mount_given, const std::string& group) {
  const std::string dir = without_trailing_slash(group);
  if (!dir.empty() && dir.front() == '/') return dir + "/tasks";
  return find_mount(mount_given) + "/" + dir + "/tasks";
}

std::string tasks_error_subject(const std::string& group, int err) {
  const std::string dir = without_trailing_slash(group);
  return err == ENOENT || err == ENOTDIR ? dir : dir + "/tasks";
}

}  // namespace fsched::cli
