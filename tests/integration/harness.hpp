// Helpers for root integration tests: a private cgroup_root, the daemon
// mounted on a temporary directory, CPU hogs pinned to one CPU, and share
// measurement from /proc.
#pragma once

#include <sys/types.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace it {

// Empty when the tests can run here, else why not (they then skip).
std::string skip_reason();

int cgroup_version();
std::string cpu_mount();

// A cgroup directory of its own for one test, removed with everything in it.
class TestRoot {
 public:
  TestRoot();
  ~TestRoot();
  TestRoot(const TestRoot&) = delete;
  TestRoot& operator=(const TestRoot&) = delete;
  const std::string& path() const { return path_; }
  // Puts a process directly in the root, where it is a member of 0 that
  // competes one to one with the top guest groups.
  void adopt(pid_t pid) const;
  void adopt(std::initializer_list<pid_t> pids) const {
    for (pid_t p : pids) adopt(p);
  }
  // The cgroup directory adopt() put `pid` in.
  std::string adopted_dir(pid_t pid) const;

 private:
  std::string path_;
};

class Daemon {
 public:
  // foreground: `fschedfs -f`, our child. detached: started as scripts and
  // the contract do, without -f; the launcher must exit 0 once the tree is
  // mounted, and the detached daemon becomes our child (the test process
  // is made a child subreaper) so stop() still sees how it exits. Its log
  // goes to syslog then, so log() holds only what came before the detach.
  enum class Mode { foreground, detached };
  Daemon(std::string cgroup_root, std::vector<std::string> extra_options = {},
         Mode mode = Mode::foreground);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  void start();
  // SIGTERM (unless it already ended) and wait; the mount must be gone
  // afterwards. Returns the wait status; one other than a clean exit 0
  // also fails the run (g_daemon_failed).
  int stop();
  // SIGKILL, as the OOM killer or a crash would end it: the mount is left
  // dead (ENOTCONN) for the next start() on the same mount point.
  void kill_hard();
  const std::string& mnt() const { return mnt_; }
  std::string path(const std::string& rel) const { return mnt_ + "/" + rel; }
  // Its state_dir: what a stop leaves there for the next start.
  std::string state_dir() const { return mnt_ + ".state"; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Whether the daemon is still alive (it has not crashed).
  bool alive() const;
  std::string log() const;

 private:
  std::string cgroup_root_;
  std::vector<std::string> extra_;
  std::string mnt_;
  std::string log_path_;
  Mode mode_;
  pid_t pid_ = -1;
};

// A daemon mounted over a cgroup_root of its own; `m` is the mount point
// with a trailing slash.
struct MountedTree {
  TestRoot root;
  Daemon d{root.path()};
  std::string m;
  MountedTree() {
    d.start();
    m = d.mnt() + "/";
  }
};

// Pins the calling thread (and what it forks later) to CPU 0, where every
// share test runs so that its processes compete.
void pin_to_cpu0();

// A busy loop pinned to CPU 0, in a session of its own (so autogroup gives
// it its own weight where it stays in the root cgroup).
class Hog {
 public:
  // pinned false: free to run on every online CPU.
  explicit Hog(int nice = 0, bool pinned = true);
  ~Hog();
  Hog(const Hog&) = delete;
  Hog& operator=(const Hog&) = delete;
  pid_t pid() const { return pid_; }
  void kill();

 private:
  pid_t pid_ = -1;
};

// A sleeping process owned by `uid` (real, effective and saved), in a
// session of its own.
class UserProcess {
 public:
  explicit UserProcess(uid_t uid);
  ~UserProcess();
  UserProcess(const UserProcess&) = delete;
  UserProcess& operator=(const UserProcess&) = delete;
  pid_t pid() const { return pid_; }
  void kill();

 private:
  pid_t pid_ = -1;
};

// Two hogs adopted into a private cgroup_root (so they compete one to one
// with its top groups), then a daemon mounted over it: the set-up of most
// share and lifecycle tests.
struct TwoHogsMounted {
  TestRoot root;
  Hog a, b;
  Daemon d{root.path()};
  TwoHogsMounted() {
    root.adopt({a.pid(), b.pid()});
    d.start();
  }
};

// Each process's part of the CPU time all of them used over `seconds`.
std::vector<double> measure_shares(const std::vector<pid_t>& pids, double seconds);
std::uint64_t cpu_usec(pid_t pid);
// The value of `key` in the text of a stats file, "" when absent.
std::string stat_value(const std::string& stats_text, const std::string& key);

// Each process's CPU time over `seconds`, in percent of that real time.
std::vector<double> cpu_pct_over(const std::vector<pid_t>& pids, double seconds);

int write_file(const std::string& path, const std::string& text);  // 0 or errno
std::string read_file(const std::string& path);
bool exists(const std::string& path);
int rename_errno(const std::string& from, const std::string& to, unsigned flags = 0);
int mkdir_errno(const std::string& path);
int rmdir_errno(const std::string& path);
std::vector<std::string> list(const std::string& dir);
bool wait_until(const std::function<bool()>& cond, double timeout_sec);
// Runs `fn` in a child whose real, effective and saved uid and gid are
// `uid`, with exactly `groups` as supplementary groups and umask 022;
// returns what `fn` returned (an errno).
int as_user(uid_t uid, const std::function<int()>& fn, const std::vector<gid_t>& groups = {});
// The same without waiting: returns the child's pid for wait_child(). Fork
// only while the caller has no other threads (a child of a threaded
// process may inherit a lock some other thread held).
pid_t start_as_user(uid_t uid, const std::function<int()>& fn,
                    const std::vector<gid_t>& groups = {});
int wait_child(pid_t pid);
int chmod_errno(const std::string& path, mode_t mode);
int chown_errno(const std::string& path, uid_t uid, gid_t gid);
// uid, gid and permission bits of a path; {-1, -1, 0} when it is missing.
struct Owner {
  long uid = -1;
  long gid = -1;
  unsigned mode = 0;
};
Owner owner_of(const std::string& path);
// Set when a daemon under test exited uncleanly (a crash, a sanitizer
// report, a leak): the run fails even if every assertion passed.
extern bool g_daemon_failed;
// The cpu cgroup path (hierarchy-relative) of a process.
std::string cpu_cgroup_of(pid_t pid);
// Whether cpuacct is a v1 hierarchy of its own, which the cgroup backend
// mirrors its groups into; and a process's path there.
bool cpuacct_mirrored();
std::string cpuacct_cgroup_of(pid_t pid);
// A pid (or any number) as the text written into tasks files.
inline std::string s(long v) {
  return std::to_string(v);
}

// /sys/kernel/sched_ext/state: "enabled", "disabled", or "" without sched_ext.
std::string sched_ext_state();

}  // namespace it
