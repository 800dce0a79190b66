#include "spawn.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "cli_error.hpp"
#include "mount_point.hpp"
#include "spawn_conf.hpp"

namespace fsched::cli {

namespace {
long lookup_user(const std::string& name) {
  struct passwd* pw = ::getpwnam(name.c_str());
  return pw ? static_cast<long>(pw->pw_uid) : -1;
}

std::string self_dir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw CliError(std::string("cannot read /proc/self/exe: ") + std::strerror(errno));
  return dir_of(std::string(buf, static_cast<std::size_t>(n)));
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string current_dir() {
  char buf[4096];
  if (!::getcwd(buf, sizeof buf))
    throw CliError(std::string("cannot read the current directory: ") + std::strerror(errno));
  return buf;
}

[[noreturn]] void die(const char* what, int err) {
  char msg[256];
  int n = std::snprintf(msg, sizeof msg, "spawn: %s: %s\n", what, std::strerror(err));
  if (n > 0) (void)!::write(2, msg, static_cast<std::size_t>(n));
  ::_exit(127);
}

// Runs in the child, between fork and exec.
[[noreturn]] void become(const SpawnLine& line, gid_t gid, const std::string& tasks,
                         char* const argv[]) {
  ::setpgid(0, 0);
  if (!tasks.empty()) {
    // Joined while still root; the daemon re-places us when setuid
    // below makes us someone else's (user-fair groups).
    int fd = ::open(tasks.c_str(), O_WRONLY);
    if (fd < 0) die(tasks.c_str(), errno);
    char pid[32];
    int n = std::snprintf(pid, sizeof pid, "%d\n", ::getpid());
    if (::write(fd, pid, static_cast<std::size_t>(n)) != n) die(tasks.c_str(), errno);
    ::close(fd);
  }
  if (::setgroups(0, nullptr) != 0) die("setgroups", errno);
  if (::setgid(gid) != 0) die("setgid", errno);
  if (::setuid(line.uid) != 0) die("setuid", errno);
  ::execv(line.program.c_str(), argv);
  die(line.program.c_str(), errno);
}
}  // namespace

int run_spawn(const SpawnOptions& o) {
  if (::geteuid() != 0)
    throw CliError("spawn sets the uid of what it starts, which needs root: run it with sudo");
  const std::string conf =
      conf_path(o.conf, current_dir(), self_dir(), FSCHED_SPAWN_CONF_INSTALLED, file_exists);
  std::ifstream f(conf);
  if (!f) throw CliError("cannot read " + conf + ": " + std::strerror(errno));
  std::stringstream text;
  text << f.rdbuf();
  auto lines = parse_spawn_conf(text.str(), conf, lookup_user);
  find_programs_in(lines, FSCHED_WORKLOADS_INSTALLED, file_exists);
  for (const auto& l : lines) {
    struct stat st;
    if (::stat(l.program.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
      throw CliError(conf + ":" + std::to_string(l.line_no) + ": " + l.program +
                     " is not an executable file");
  }
  std::string tasks;
  if (!o.group.empty()) {
    std::string dir = o.group.front() == '/' ? o.group : find_mount(o.mount) + "/" + o.group;
    tasks = dir + "/tasks";
    if (::access(tasks.c_str(), W_OK) != 0)
      throw CliError("--group " + o.group + ": " + tasks + ": " + std::strerror(errno));
  }

  sigset_t waited;
  sigemptyset(&waited);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&waited, s);
  sigset_t old;
  sigprocmask(SIG_BLOCK, &waited, &old);

  std::map<pid_t, const SpawnLine*> running;
  auto kill_all = [&] {
    for (const auto& [pid, line] : running) ::kill(-pid, SIGKILL);
    while (!running.empty()) {
      pid_t pid = ::waitpid(-1, nullptr, 0);
      if (pid < 0) break;
      running.erase(pid);
    }
  };
  for (const auto& l : lines) {
    std::vector<char*> argv;
    for (const auto& a : l.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    // The user's group when the uid has a name, else a group of the same
    // number (the assignment's 9000 and 9001 have no names).
    struct passwd* pw = ::getpwuid(l.uid);
    const gid_t gid = pw ? pw->pw_gid : static_cast<gid_t>(l.uid);
    pid_t pid = ::fork();
    if (pid < 0) {
      int e = errno;
      kill_all();
      throw CliError(std::string("fork: ") + std::strerror(e));
    }
    if (pid == 0) {
      sigprocmask(SIG_SETMASK, &old, nullptr);
      become(l, gid, tasks, argv.data());
    }
    ::setpgid(pid, pid);
    running[pid] = &l;
    std::printf("spawn: %d uid %u %s\n", pid, l.uid, l.program.c_str());
  }
  std::fflush(stdout);

  int status = 0;
  const bool forever = o.seconds <= 0;
  timespec left{};
  if (!forever) {
    left.tv_sec = static_cast<time_t>(o.seconds);
    left.tv_nsec = static_cast<long>((o.seconds - std::floor(o.seconds)) * 1e9);
  }
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (!running.empty()) {
    int sig;
    if (forever) {
      sig = sigwaitinfo(&waited, nullptr);
    } else {
      timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      double rest = o.seconds - ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9);
      if (rest <= 0) {
        std::printf("spawn: %g s are up: killing %zu processes\n", o.seconds, running.size());
        kill_all();
        break;
      }
      left.tv_sec = static_cast<time_t>(rest);
      left.tv_nsec = static_cast<long>((rest - std::floor(rest)) * 1e9);
      sig = sigtimedwait(&waited, nullptr, &left);
    }
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
      std::printf("spawn: interrupted: killing %zu processes\n", running.size());
      kill_all();
      status = 128 + sig;
      break;
    }
    for (;;) {
      int ws = 0;
      pid_t pid = ::waitpid(-1, &ws, WNOHANG);
      if (pid <= 0) break;
      auto it = running.find(pid);
      if (it == running.end()) continue;
      if (WIFEXITED(ws))
        std::printf("spawn: %d exited with %d\n", pid, WEXITSTATUS(ws));
      else if (WIFSIGNALED(ws))
        std::printf("spawn: %d killed by signal %d\n", pid, WTERMSIG(ws));
      running.erase(it);
    }
    std::fflush(stdout);
  }
  std::fflush(stdout);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  return status;
}

}  // namespace fsched::cli
