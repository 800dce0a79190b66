#include "harness.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cgroup_mounts.hpp"
#include "proc_stat.hpp"

namespace it {

namespace {
const fsched::CgroupLayout& layout() {
  static const fsched::CgroupLayout l = [] {
    auto text = fsched::read_small_file("/proc/self/mountinfo").value_or("");
    auto r = fsched::choose_layout(fsched::parse_mountinfo(text), "", fsched::read_v2_controllers);
    return r ? *r : fsched::CgroupLayout{};
  }();
  return l;
}

void remove_tree(const std::string& dir, const std::string& evacuate_to) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> subs;
  while (auto* e = ::readdir(d))
    if (e->d_type == DT_DIR && std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
      subs.emplace_back(e->d_name);
  ::closedir(d);
  for (const auto& s : subs) remove_tree(dir + "/" + s, evacuate_to);
  std::istringstream procs(read_file(dir + "/cgroup.procs"));
  pid_t pid;
  while (procs >> pid) write_file(evacuate_to + "/cgroup.procs", std::to_string(pid));
  for (int i = 0; i < 50 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::atomic<int> g_counter{0};

// Our child (we are its subreaper) serving `mnt`: the daemon that
// fuse_daemonize() forked off the process we started.
pid_t detached_daemon_of(const std::string& mnt) {
  DIR* d = ::opendir("/proc");
  if (!d) return -1;
  pid_t found = -1;
  while (auto* e = ::readdir(d)) {
    pid_t pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    auto st = fsched::read_proc_stat(pid);
    if (!st || st->gone() || st->ppid != ::getpid()) continue;
    std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find("fschedfs") != std::string::npos &&
        cmdline.find(" " + mnt) != std::string::npos) {
      found = pid;
      break;
    }
  }
  ::closedir(d);
  return found;
}
}  // namespace

bool g_daemon_failed = false;

void pin_to_cpu0() {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  ::sched_setaffinity(0, sizeof set, &set);
}

int cgroup_version() {
  return layout().version;
}
std::string cpu_mount() {
  return layout().cpu.mount_point;
}

std::string skip_reason() {
  if (geteuid() != 0) return "integration tests need root (they mount FUSE and move cgroups)";
  if (::access("/dev/fuse", R_OK | W_OK) != 0) return "/dev/fuse is not usable here";
  if (layout().version == 0) return "no cgroup hierarchy with the cpu controller";
  const char* bin = std::getenv("FSCHEDFS");
  if (!bin || ::access(bin, X_OK) != 0) return "FSCHEDFS does not name the built fschedfs";
  if (sysconf(_SC_NPROCESSORS_ONLN) < 1) return "no CPU";
  return "";
}

TestRoot::TestRoot() {
  path_ = layout().cpu.mount_point + "/fschedtest-" + std::to_string(getpid()) + "-" +
          std::to_string(g_counter++);
  if (::mkdir(path_.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + path_ + ": " + std::strerror(errno));
  // v2: members of 0 get leaves below, weighted by the cpu controller.
  if (layout().version == 2) write_file(path_ + "/cgroup.subtree_control", "+cpu");
}

TestRoot::~TestRoot() {
  remove_tree(path_, layout().cpu.mount_point);
  if (layout().acct) {
    std::string twin = layout().acct->mount_point + path_.substr(layout().cpu.mount_point.size());
    remove_tree(twin, layout().acct->mount_point);
  }
  if (layout().cpuset) {
    std::string twin = layout().cpuset->mount_point + path_.substr(layout().cpu.mount_point.size());
    remove_tree(twin, layout().cpuset->mount_point);
  }
}

// v2 forbids processes beside child cgroups that use controllers, so there
// each member of 0 gets a leaf of its own (not named like a group: the
// daemon sees it as 0), competing one to one with the top groups as on v1.
std::string TestRoot::adopted_dir(pid_t pid) const {
  if (layout().version == 1) return path_;
  return path_ + "/host-" + std::to_string(pid);
}

void TestRoot::adopt(pid_t pid) const {
  std::string dir = adopted_dir(pid);
  if (dir != path_) ::mkdir(dir.c_str(), 0755);
  write_file(dir + "/cgroup.procs", std::to_string(pid));
}

Daemon::Daemon(std::string cgroup_root, std::vector<std::string> extra, Mode mode)
    : cgroup_root_(std::move(cgroup_root)), extra_(std::move(extra)), mode_(mode) {
  char tmpl[] = "/tmp/fsched-mnt-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  mnt_ = tmpl;
  log_path_ = mnt_ + ".log";
}

Daemon::~Daemon() {
  if (running()) stop();
  ::umount2(mnt_.c_str(), MNT_DETACH);  // a mount kill_hard() left dead
  ::rmdir(mnt_.c_str());
  std::error_code ec;
  std::filesystem::remove_all(state_dir(), ec);
  if (!g_daemon_failed) ::unlink(log_path_.c_str());
}

void Daemon::start() {
  const char* bin = std::getenv("FSCHEDFS");
  std::string opts = "cgroup_root=" + cgroup_root_;
  // The VM runs the same scenarios once per backend.
  if (const char* backend = std::getenv("FSCHED_TEST_BACKEND"); backend && *backend)
    opts += ",backend=" + std::string(backend);
  // The machine's own /etc/fsched/rules must not move a test's processes.
  bool rules = false;
  for (const auto& o : extra_) {
    opts += "," + o;
    rules = rules || o.starts_with("rules=");
  }
  if (!rules) opts += ",rules=none";
  // What a stop leaves for the restart stays with the test, not in /run.
  opts += ",state_dir=" + state_dir();
  const bool fg = mode_ == Mode::foreground;
  if (!fg) ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 2);
      ::dup2(fd, 1);
    }
    if (fg)
      ::execl(bin, bin, "-f", "-o", opts.c_str(), mnt_.c_str(), static_cast<char*>(nullptr));
    else
      ::execl(bin, bin, "-o", opts.c_str(), mnt_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (!fg) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      throw std::runtime_error("fschedfs (without -f) exited with status " +
                               std::to_string(status) + ": " + log());
    pid_ = detached_daemon_of(mnt_);
    if (pid_ <= 0) throw std::runtime_error("the detached fschedfs is not running: " + log());
  }
  bool up = wait_until(
      [&] {
        // statfs reaches the daemon: a dead mount left by kill_hard()
        // still stats from the kernel's cache, but fails this.
        struct stat a, b;
        struct statfs f;
        return ::statfs(mnt_.c_str(), &f) == 0 && ::stat(mnt_.c_str(), &a) == 0 &&
               ::stat((mnt_ + "/..").c_str(), &b) == 0 && a.st_dev != b.st_dev;
      },
      10);
  if (!up) {
    int status;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    throw std::runtime_error("fschedfs did not mount: " + log());
  }
}

int Daemon::stop() {
  if (pid_ <= 0) return -1;
  int status = 0;
  // After an umount the daemon ends by itself; signal only one still there.
  bool done = ::waitpid(pid_, &status, WNOHANG) == pid_;
  if (!done) {
    ::kill(pid_, SIGTERM);
    done = wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, 10);
  }
  if (!done) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    ::umount2(mnt_.c_str(), MNT_DETACH);
  }
  pid_ = -1;
  if (!done || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    g_daemon_failed = true;
    std::fprintf(stderr, "fschedfs did not exit cleanly (status %#x); its log:\n%s\n", status,
                 log().c_str());
  }
  return done ? status : -1;
}

void Daemon::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool Daemon::alive() const {
  if (pid_ <= 0) return false;
  auto st = fsched::read_proc_stat(pid_);
  return st && !st->gone();
}

std::string Daemon::log() const {
  return read_file(log_path_);
}

Hog::Hog(int nice, bool pinned) {
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::setsid();
    if (pinned) {
      pin_to_cpu0();
    } else {
      cpu_set_t all;
      CPU_ZERO(&all);
      for (long c = 0; c < ::sysconf(_SC_NPROCESSORS_ONLN) && c < CPU_SETSIZE; ++c)
        CPU_SET(c, &all);
      ::sched_setaffinity(0, sizeof all, &all);
    }
    if (nice) {
      [[maybe_unused]] int r = ::nice(nice);
    }
    volatile unsigned long spin = 0;
    for (;;) spin = spin + 1;
  }
}

Hog::~Hog() {
  kill();
}

void Hog::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::uint64_t cpu_usec(pid_t pid) {
  auto st = fsched::read_proc_stat(pid);
  return st ? fsched::ticks_to_usec(st->utime_ticks + st->stime_ticks) : 0;
}

std::vector<double> measure_shares(const std::vector<pid_t>& pids, double seconds) {
  std::vector<std::uint64_t> before;
  for (pid_t p : pids) before.push_back(cpu_usec(p));
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  std::vector<double> used;
  double total = 0;
  for (std::size_t i = 0; i < pids.size(); ++i) {
    used.push_back(static_cast<double>(cpu_usec(pids[i]) - before[i]));
    total += used.back();
  }
  for (auto& u : used) u = total > 0 ? 100.0 * u / total : 0;
  return used;
}

std::string stat_value(const std::string& stats_text, const std::string& key) {
  std::istringstream in(stats_text);
  std::string k, v;
  while (in >> k >> v)
    if (k == key) return v;
  return "";
}

std::vector<double> cpu_pct_over(const std::vector<pid_t>& pids, double seconds) {
  std::vector<std::uint64_t> before;
  for (pid_t p : pids) before.push_back(cpu_usec(p));
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  std::vector<double> pct;
  for (std::size_t i = 0; i < pids.size(); ++i)
    pct.push_back(100.0 * static_cast<double>(cpu_usec(pids[i]) - before[i]) / (seconds * 1e6));
  return pct;
}

UserProcess::UserProcess(uid_t uid) {
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::setsid();
    if (::setgroups(0, nullptr) != 0 || ::setresgid(uid, uid, uid) != 0 ||
        ::setresuid(uid, uid, uid) != 0)
      ::_exit(250);
    for (;;) ::pause();
  }
  // Back from fork before the child dropped root: wait until it has.
  wait_until([&] { return owner_of("/proc/" + std::to_string(pid_)).uid == uid; }, 5);
}

UserProcess::~UserProcess() {
  kill();
}

void UserProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string cpu_cgroup_of(pid_t pid) {
  auto text = fsched::read_small_file("/proc/" + std::to_string(pid) + "/cgroup").value_or("");
  return fsched::cgroup_path_in(text, layout().version, "cpu").value_or("?");
}

bool cpuacct_mirrored() {
  return layout().acct.has_value();
}

std::string cpuacct_cgroup_of(pid_t pid) {
  auto text = fsched::read_small_file("/proc/" + std::to_string(pid) + "/cgroup").value_or("");
  return fsched::cgroup_path_in(text, 1, "cpuacct").value_or("?");
}

std::string sched_ext_state() {
  std::ifstream in("/sys/kernel/sched_ext/state");
  std::string st;
  in >> st;
  return st;
}

}  // namespace it
