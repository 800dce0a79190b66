// The harness's file and process helpers: syscalls that return their
// errno instead of throwing, and children run as another user.
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness.hpp"

namespace it {

int write_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t n = ::write(fd, text.data(), text.size());
  int e = n < 0 ? errno : 0;
  ::close(fd);
  return e;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

int rename_errno(const std::string& from, const std::string& to, unsigned flags) {
  return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags) == 0 ? 0 : errno;
}

int mkdir_errno(const std::string& path) {
  return ::mkdir(path.c_str(), 0755) == 0 ? 0 : errno;
}
int rmdir_errno(const std::string& path) {
  return ::rmdir(path.c_str()) == 0 ? 0 : errno;
}

std::vector<std::string> list(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (auto* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) out.emplace_back(e->d_name);
  ::closedir(d);
  return out;
}

bool wait_until(const std::function<bool()>& cond, double timeout_sec) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_sec);
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

pid_t start_as_user(uid_t uid, const std::function<int()>& fn, const std::vector<gid_t>& groups) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::umask(022);
    if (::setgroups(groups.size(), groups.data()) != 0) ::_exit(250);
    if (::setresgid(uid, uid, uid) != 0 || ::setresuid(uid, uid, uid) != 0) ::_exit(250);
    ::_exit(fn());
  }
  return pid;
}

int wait_child(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return 255;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

int as_user(uid_t uid, const std::function<int()>& fn, const std::vector<gid_t>& groups) {
  return wait_child(start_as_user(uid, fn, groups));
}

int chmod_errno(const std::string& path, mode_t mode) {
  return ::chmod(path.c_str(), mode) == 0 ? 0 : errno;
}

int chown_errno(const std::string& path, uid_t uid, gid_t gid) {
  return ::chown(path.c_str(), uid, gid) == 0 ? 0 : errno;
}

Owner owner_of(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {};
  return Owner{static_cast<long>(st.st_uid), static_cast<long>(st.st_gid), st.st_mode & 07777u};
}

}  // namespace it
