// Rules files with mistakes (the spec's "Placement rules", sched-groups(5)
// "Errors"): refused whole at start (the daemon does not mount and says
// FILE:LINE for each bad line), at a reload (the rules in force stay), and
// by `fsched rules check`.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "cli_run.hpp"
#include "harness.hpp"
#include "rules_procs.hpp"

using namespace it;
using namespace it::rules;

namespace {

struct Ran {
  int status = -1;  // exit status; -1: killed after the timeout
  std::string out, err;
};

// Runs argv to its end (killed after `timeout` s), stdout and stderr apart.
Ran run_apart(const std::vector<std::string>& argv, const TempDir& tmp, double timeout = 15) {
  const std::string out = tmp.path() + "/stdout", err = tmp.path() + "/stderr";
  pid_t pid = ::fork();
  if (pid == 0) {
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int n = ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || n < 0) ::_exit(126);
    ::dup2(n, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    exec_argv(argv);
  }
  Ran r;
  int ws = 0;
  if (!wait_until([&] { return ::waitpid(pid, &ws, WNOHANG) == pid; }, timeout)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &ws, 0);
  } else if (WIFEXITED(ws)) {
    r.status = WEXITSTATUS(ws);
  } else {
    r.status = 128 + WTERMSIG(ws);
  }
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

bool mounted(const std::string& path) {
  std::ifstream in("/proc/mounts");
  for (std::string line; std::getline(in, line);)
    if (line.find(" " + path + " ") != std::string::npos) return true;
  return false;
}

// fschedfs started (in the foreground, or as scripts do without -f) with
// `rules` (a file's text, or with text "" a file that is not there), and
// `extra` options after it.
struct BadStart {
  TestRoot root;
  TempDir tmp;
  std::string file = tmp.path() + "/rules";
  std::string mnt;
  Ran ran;
  BadStart(const std::string& rules, bool foreground = true, const std::string& extra = "") {
    if (!rules.empty()) put_file(file, rules);
    char tmpl[] = "/tmp/fsched-mnt-XXXXXX";
    if (::mkdtemp(tmpl)) mnt = tmpl;
    std::vector<std::string> argv{std::getenv("FSCHEDFS")};
    if (foreground) argv.push_back("-f");
    argv.insert(argv.end(), {"-o", "cgroup_root=" + root.path() + ",rules=" + file + extra, mnt});
    ran = run_apart(argv, tmp);
  }
  ~BadStart() {
    // Were it mounted after all (a bug), leave nothing behind.
    if (mounted(mnt)) ::umount2(mnt.c_str(), MNT_DETACH);
    ::rmdir(mnt.c_str());
  }
  // FILE:LINE: in what it said.
  bool names(int line) const {
    return ran.err.find(file + ":" + std::to_string(line) + ": ") != std::string::npos;
  }
};

}  // namespace

TEST_CASE("rules: a bad file stops the start, naming its line", "[rules]") {
  struct Case {
    std::string text;
    int line;
    std::string why;
  };
  const std::vector<Case> cases{
      {"# rules\n\nuid>=9000 0/ok\nfoo=1 0/x\n", 4, "unknown match 'foo=1'"},
      {"uid=abc 0/x\n", 1, "bad uid 'abc'"},
      {"\nuid=5-3 0/x\n", 2, "bad uid range '5-3'"},
      {"uid=1 0/ok\nuid=1 0/1234\n", 2, "is a pid directory"},
      {"uid=1 0/stats\n", 1, "reserved"},
      {"uid=1 0/.x\n", 1, "starts with a dot"},
      {"  # indented comment\n0/x\n", 2, "no match before the group"},
      {"user=fsched-no-such-user 0/x\n", 1, "unknown user 'fsched-no-such-user'"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    BadStart b(c.text);
    INFO(b.ran.err);
    CHECK(b.ran.status != 0);
    CHECK(b.ran.status != -1);  // it ended by itself
    CHECK(b.names(c.line));
    CHECK(b.ran.err.find(c.why) != std::string::npos);
    CHECK_FALSE(mounted(b.mnt));
  }
}

TEST_CASE("a bad option stops the start, saying which, and mounts nothing", "[lifecycle]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {",state_dir=run/fsched", "state_dir must be an absolute path or none"},
      {",guest_dir=guests", "guest_dir must be an absolute path or none"},
      {",backend=bogus", "backend=bogus: expected auto, cgroup or scx"},
      {",window_ms=5", "window_ms must be within 100..60000"},
      {",max_depth=0", "max_depth must be within 1..64"},
  };
  for (const auto& [option, why] : cases) {
    INFO(option);
    BadStart b("uid=1 0/a\n", true, option);
    INFO(b.ran.err);
    CHECK(b.ran.status > 0);
    CHECK(b.ran.err.find(why) != std::string::npos);
    CHECK_FALSE(mounted(b.mnt));
  }
}

TEST_CASE("rules: a bad file stops a start without -f too", "[rules]") {
  BadStart b("uid=1 0/a\nuid=abc 0/b\n", false);
  INFO(b.ran.err);
  CHECK(b.ran.status > 0);
  CHECK(b.names(2));
  CHECK_FALSE(mounted(b.mnt));
}

TEST_CASE("rules: a rules= file that is not there stops the start", "[rules]") {
  BadStart b("");
  INFO(b.ran.err);
  CHECK(b.ran.status > 0);
  CHECK(b.ran.err.find(b.file + ": No such file or directory") != std::string::npos);
  CHECK_FALSE(mounted(b.mnt));
}

TEST_CASE("rules: every bad line of a file is reported at once", "[rules]") {
  BadStart b(
      "uid>=9000 0/fine\n"              // 1
      "foo=1 0/x\n"                     // 2
      "uid=abc 0/x\n"                   // 3
      "\n"                              // 4
      "uid=5-3 0/x\n"                   // 5
      "uid=1 0/1234\n"                  // 6
      "# a comment\n"                   // 7
      "uid=1 0/stats\n"                 // 8
      "uid=1 0/.x\n"                    // 9
      "0/x\n"                           // 10
      "user=fsched-no-such-user 0/x\n"  // 11
      "uid=9 0/also-fine\n");           // 12
  INFO(b.ran.err);
  CHECK(b.ran.status > 0);
  for (int line : {2, 3, 5, 6, 8, 9, 10, 11}) {
    INFO("line " << line);
    CHECK(b.names(line));
  }
  for (int line : {1, 4, 7, 12}) {
    INFO("line " << line);
    CHECK_FALSE(b.names(line));
  }
  CHECK_FALSE(mounted(b.mnt));
}

TEST_CASE("rules: a bad file at a reload is refused, the rules in force stay", "[rules]") {
  RulesTree t(ours({"uid>=9000 0/b"}));
  auto before = exec_as(marked(9000), {"sleep", "100"});
  auto by_hand = exec_as(marked(9001), {"sleep", "100"});
  REQUIRE(t.lands("0/b", before->pid()));
  REQUIRE(t.lands("0/b", by_hand->pid()));
  // by_hand's exec, once seen, must not undo the move below.
  REQUIRE(runs(by_hand->pid(), "sleep"));
  REQUIRE(t.sync("0/b"));
  REQUIRE(mkdir_errno(t.m + "0/h") == 0);
  REQUIRE(write_file(t.m + "0/h/tasks", s(by_hand->pid())) == 0);

  REQUIRE(put_file(t.file, ours({"uid>=9000 0/c", "uid=abc 0/c"})));
  ::kill(t.d.pid(), SIGHUP);
  CHECK(wait_until([&] { return t.d.log().find(t.file + ":2: ") != std::string::npos; }, 3));
  CHECK(t.d.log().find("refused") != std::string::npos);
  CHECK(t.reloads() == 0);
  auto during = exec_as(marked(9000), {"sleep", "100"});
  CHECK(t.lands("0/b", during->pid()));
  CHECK_FALSE(exists(t.m + "0/c"));

  // A good file again: what the rules placed follows them, what a hand
  // placed stays.
  REQUIRE(put_file(t.file, ours({"uid>=9000 0/c"})));
  REQUIRE(t.reload());
  CHECK(t.d.log().find("rules (reload): 1 from " + t.file + " in force") != std::string::npos);
  CHECK(t.lands("0/c", before->pid()));
  CHECK(t.lands("0/c", during->pid()));
  auto after = exec_as(marked(9002), {"sleep", "100"});
  CHECK(t.lands("0/c", after->pid()));
  CHECK(t.in("0/h", by_hand->pid()));
  CHECK(tasks_of(t.m + "0/b").empty());
}

TEST_CASE("rules: fsched rules check", "[rules]") {
  SKIP_UNLESS_CLI_READY();
  TempDir tmp;
  const std::string good = tmp.path() + "/good", bad = tmp.path() + "/bad";
  REQUIRE(put_file(good, "# three rules\nuid=0 0\ncomm=make gid=100 0/b/x\nuid>=1000 0/users\n"));
  REQUIRE(put_file(bad, "uid=0 0\nfoo=1 0/x\nuid>=1000 0/users\nuid=1 0/.x\n"));
  Ran r = run_apart({cli_dir() + "/fsched", "rules", "check", good}, tmp);
  CHECK(r.status == 0);
  CHECK(r.out.find(good + ": 3 rules") != std::string::npos);
  CHECK(r.err.empty());
  r = run_apart({cli_dir() + "/fsched", "rules", "check", bad}, tmp);
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  INFO(r.err);
  CHECK(r.err.find(bad + ":2: ") != std::string::npos);
  CHECK(r.err.find(bad + ":4: ") != std::string::npos);
  CHECK(r.err.find(bad + ":1: ") == std::string::npos);
  CHECK(r.err.find(bad + ":3: ") == std::string::npos);
}
