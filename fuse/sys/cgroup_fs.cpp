#include "cgroup_fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <sstream>

#include "proc_stat.hpp"

namespace fsched::cgfs {

int write_file(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t n;
  do {
    n = ::write(fd, value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : 0;
  ::close(fd);
  return err;
}

std::optional<std::string> read_file(const std::string& path) {
  return read_small_file(path);
}

std::optional<long long> read_integer(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  long long v = 0;
  auto s = text->data();
  auto e = s + text->size();
  while (e > s && (e[-1] == '\n' || e[-1] == ' ')) --e;
  auto [p, ec] = std::from_chars(s, e, v);
  if (ec != std::errc() || p != e) return std::nullopt;
  return v;
}

int make_dir(const std::string& path) {
  return ::mkdir(path.c_str(), 0755) == 0 ? 0 : errno;
}
int remove_dir(const std::string& path) {
  return ::rmdir(path.c_str()) == 0 ? 0 : errno;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::vector<std::string> subdirs(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    if (e->d_type != DT_DIR) continue;
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    out.push_back(std::move(name));
  }
  ::closedir(d);
  return out;
}

std::vector<pid_t> procs(const std::string& dir) {
  std::vector<pid_t> out;
  auto text = read_file(dir + "/cgroup.procs");
  if (!text) return out;
  std::istringstream in(*text);
  pid_t pid;
  while (in >> pid) out.push_back(pid);
  return out;
}

int set_xattr(const std::string& path, const std::string& name, const std::string& value) {
  return ::setxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) == 0 ? 0 : errno;
}

std::optional<std::string> get_xattr(const std::string& path, const std::string& name) {
  char buf[4096];
  ssize_t n = ::getxattr(path.c_str(), name.c_str(), buf, sizeof buf);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace fsched::cgfs
