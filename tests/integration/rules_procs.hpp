// What the [rules] tests share: processes of the test's own with chosen
// ids (forked, setgroups/setresgid/setresuid, then an exec or a step on
// a pipe), a daemon started with a rules file, and waiting for the tree
// to show where a process is.
//
// Other tests run on this machine at the same time, with the same uids
// 9000..9002, and the daemon sees every process of the machine: a rule
// such as `comm=sleep` or `uid>=9000` alone would take their processes
// into our cgroups. So the rules here also ask for kMark, a supplementary
// gid only our children have (or an executable only we run).
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "harness.hpp"

namespace it::rules {

constexpr gid_t kMark = 59173;  // "one of ours"
constexpr gid_t kTeam = 59174;  // the gid= under test in the group tests

struct Who {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};
inline Who marked(uid_t uid) {
  return Who{uid, uid, {kMark}};
}

// A rules file's text: each of `lines` with `gid=kMark` first.
inline std::string ours(std::initializer_list<std::string> lines) {
  std::string text;
  for (const auto& l : lines) text += "gid=" + std::to_string(kMark) + " " + l + "\n";
  return text;
}

// In the child: the ids of `who`, real, effective and saved.
inline void become(const Who& who) {
  if (::setgroups(who.groups.size(), who.groups.data()) != 0 ||
      ::setresgid(who.gid, who.gid, who.gid) != 0 || ::setresuid(who.uid, who.uid, who.uid) != 0)
    ::_exit(250);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a change of ids cleared it
}

inline void exec_argv(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

// A child running `body` (given the read end of its control pipe);
// SIGKILLed and reaped when dropped. go() writes one line to the pipe:
// the next step of a stepper, or the line a shell's `read x` waits for.
class Child {
 public:
  explicit Child(const std::function<void(int)>& body) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::close(p[1]);
      body(p[0]);
      ::_exit(0);
    }
    ::close(p[0]);
    ctl_ = p[1];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (ctl_ >= 0) ::close(ctl_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  void go() const { [[maybe_unused]] auto n = ::write(ctl_, "\n", 1); }

 private:
  pid_t pid_ = -1;
  int ctl_ = -1;
};

// The child's next step: waits for a go().
inline void await_go(int ctl) {
  char c;
  while (::read(ctl, &c, 1) < 0 && errno == EINTR) {
  }
}

// `argv` run as `who` (argv[0] looked up in PATH).
inline std::unique_ptr<Child> exec_as(const Who& who, std::vector<std::string> argv) {
  return std::make_unique<Child>([who, argv](int) {
    become(who);
    exec_argv(argv);
  });
}
// `sh -c SCRIPT` as `who`, reading the control pipe on stdin, so that
// `read x` in SCRIPT waits for go().
inline std::unique_ptr<Child> sh_as(const Who& who, const std::string& script) {
  return std::make_unique<Child>([who, script](int ctl) {
    ::dup2(ctl, 0);
    become(who);
    exec_argv({"/bin/sh", "-c", script});
  });
}
// A root child with `groups` that, at the first go(), sets its uids to
// `uid` (no exec: a uid event alone), and at the second execs `sleep 100`.
inline std::unique_ptr<Child> root_then_setuid(uid_t uid, std::vector<gid_t> groups) {
  return std::make_unique<Child>([uid, groups](int ctl) {
    become(Who{0, 0, groups});
    await_go(ctl);
    if (::setresuid(uid, uid, uid) != 0) ::_exit(250);
    await_go(ctl);
    exec_argv({"sleep", "100"});
  });
}

// Whether `pid` runs `comm` now (it has exec'd), waiting up to 3 s.
inline bool runs(pid_t pid, const std::string& comm) {
  return wait_until([&] { return read_file("/proc/" + s(pid) + "/comm") == comm + "\n"; }, 3);
}

// A daemon over a cgroup_root of its own, started with `rules` written
// into a file (or, with rules "none", with -o rules=none).
struct RulesTree {
  TestRoot root;
  TempDir tmp;
  std::string file = tmp.path() + "/rules";
  Daemon d;
  std::string m;
  explicit RulesTree(const std::string& rules)
      : d(root.path(), {rules == "none" ? "rules=none" : "rules=" + file}) {
    if (rules != "none") put_file(file, rules);
    d.start();
    m = d.mnt() + "/";
  }
  // Whether the tree shows `pid` in `group` ("0/b") now.
  bool in(const std::string& group, pid_t pid) const { return exists(m + group + "/" + s(pid)); }
  // Waits (up to 3 s) until it does.
  bool lands(const std::string& group, pid_t pid) const {
    return wait_until([&] { return in(group, pid); }, 3);
  }
  // Waits until the daemon has handled the process events that came
  // before: a new marked 9000 process is placed in `group` (which the
  // rules in force must say). A lookup is no proof, as it learns a pid
  // from /proc without waiting for its events.
  bool sync(const std::string& group) const {
    auto sentinel = exec_as(marked(9000), {"sleep", "100"});
    return lands(group, sentinel->pid());
  }
  int reloads() const {
    const std::string log = d.log();
    int n = 0;
    for (auto at = log.find("rules (reload):"); at != std::string::npos;
         at = log.find("rules (reload):", at + 1))
      ++n;
    return n;
  }
  // SIGHUP, then waits until the log says the file was taken (true) or
  // refused (false, after 3 s).
  bool reload() {
    const int before = reloads();
    ::kill(d.pid(), SIGHUP);
    return wait_until([&] { return reloads() > before; }, 3);
  }
};

}  // namespace it::rules
