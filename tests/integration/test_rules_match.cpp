// Placement rules at work (the spec's "Placement rules"): which process a
// rule takes and where, when (start, exec, uid change) and which it must
// leave (moved by hand until its next exec, moved by itself for good).
// Processes are the test's own children with chosen ids; rules_procs.hpp
// says why every rule also asks for kMark.
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "cli_run.hpp"
#include "harness.hpp"
#include "rules_procs.hpp"

using namespace it;
using namespace it::rules;

namespace {

const std::string kT = std::to_string(kTeam);

// The file sleep(1) really is: /proc/PID/exe reads it so.
std::string real_sleep() {
  char buf[PATH_MAX];
  return ::realpath("/bin/sleep", buf) ? buf : "/usr/bin/sleep";
}

void settle() {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
}

// A group present on every Debian-like system, for group=NAME.
std::pair<std::string, gid_t> some_system_group() {
  for (const char* name : {"users", "daemon", "nogroup", "adm"})
    if (const struct group* g = ::getgrnam(name); g && g->gr_gid != 0) return {name, g->gr_gid};
  return {"", 0};
}

}  // namespace

TEST_CASE("rules: the first matching line wins", "[rules]") {
  RulesTree t(ours({"comm=sleep 0/a", "uid>=9000 0/b"}));
  auto sleeper = exec_as(marked(9000), {"sleep", "100"});
  auto shell = sh_as(marked(9000), "read x");
  CHECK(t.lands("0/a", sleeper->pid()));
  CHECK(t.lands("0/b", shell->pid()));
  CHECK_FALSE(t.in("0/b", sleeper->pid()));
  CHECK_FALSE(t.in("0", shell->pid()));
}

TEST_CASE("rules: uid=N, uid=N-M and uid>=N; no match, no move", "[rules]") {
  RulesTree t(ours({"uid=9001-9002 0/r", "uid=9000 0/s", "uid>=9003 0/t"}));
  auto below = exec_as(marked(8999), {"sleep", "100"});
  auto u0 = exec_as(marked(9000), {"sleep", "100"});
  auto u1 = exec_as(marked(9001), {"sleep", "100"});
  auto u2 = exec_as(marked(9002), {"sleep", "100"});
  auto u3 = exec_as(marked(9003), {"sleep", "100"});
  CHECK(t.lands("0/s", u0->pid()));
  CHECK(t.lands("0/r", u1->pid()));
  CHECK(t.lands("0/r", u2->pid()));
  CHECK(t.lands("0/t", u3->pid()));
  REQUIRE(runs(below->pid(), "sleep"));
  REQUIRE(t.sync("0/s"));
  CHECK(t.in("0", below->pid()));
}

TEST_CASE("rules: gid= and group= are membership, primary or supplementary", "[rules]") {
  const auto [name, gid] = some_system_group();
  if (name.empty()) {
    WARN("skipped: none of users, daemon, nogroup, adm is a group here");
    return;
  }
  // gid=kTeam alone: no other process has it.
  RulesTree t("gid=" + kT + " 0/g\n" + ours({"group=" + name + " 0/n"}));
  auto outside = exec_as(Who{9000, 9000, {kMark}}, {"sleep", "100"});
  auto supplementary = exec_as(Who{9000, 9000, {kTeam}}, {"sleep", "100"});
  auto primary = exec_as(Who{9000, kTeam, {}}, {"sleep", "100"});
  auto named_supp = exec_as(Who{9001, 9001, {gid, kMark}}, {"sleep", "100"});
  auto named_primary = exec_as(Who{9001, gid, {kMark}}, {"sleep", "100"});
  CHECK(t.lands("0/g", supplementary->pid()));
  CHECK(t.lands("0/g", primary->pid()));
  CHECK(t.lands("0/n", named_supp->pid()));
  CHECK(t.lands("0/n", named_primary->pid()));
  settle();
  CHECK(t.in("0", outside->pid()));
}

TEST_CASE("rules: exe= is the resolved executable, exactly", "[rules]") {
  // A busybox system (the VM's initramfs) runs sh and sleep from one file.
  if (std::filesystem::canonical("/bin/sh") == std::filesystem::canonical(real_sleep())) {
    WARN("skipped: sh and sleep are the same executable here");
    return;
  }
  TempDir bin;
  const std::string copy = bin.path() + "/sleep";
  std::filesystem::copy_file(real_sleep(), copy);
  ::chmod(copy.c_str(), 0755);
  RulesTree t(ours({"exe=" + real_sleep() + " 0/e"}));
  auto other_file = exec_as(marked(9000), {copy, "100"});           // comm sleep, another file
  auto shell = sh_as(marked(9000), "read x; exec /bin/sleep 100");  // sleep only later
  auto via_link = exec_as(marked(9000), {"/bin/sleep", "100"});     // /bin may be a link
  CHECK(t.lands("0/e", via_link->pid()));
  REQUIRE(runs(other_file->pid(), "sleep"));
  REQUIRE(runs(shell->pid(), "sh"));
  REQUIRE(t.sync("0/e"));
  CHECK(t.in("0", other_file->pid()));
  CHECK(t.in("0", shell->pid()));
  shell->go();  // the exec is what the rule sees
  CHECK(t.lands("0/e", shell->pid()));
}

TEST_CASE("rules: a uid change without exec is placed", "[rules]") {
  RulesTree t(ours({"uid=9001 0/u"}));
  auto p = root_then_setuid(9001, {kMark});
  REQUIRE(t.lands("0", p->pid()));
  settle();
  CHECK(t.in("0", p->pid()));
  p->go();
  CHECK(t.lands("0/u", p->pid()));
}

TEST_CASE("rules: a process moved by hand stays until its next exec", "[rules]") {
  RulesTree t(ours({"uid>=9000 0/b"}));
  REQUIRE(mkdir_errno(t.m + "0/c") == 0);
  // a: placed by the rule, then mv'd; b: mv'd out of 0 while root.
  auto a = sh_as(marked(9000), "read x; exec sleep 100");
  auto b = root_then_setuid(9000, {kMark});
  REQUIRE(runs(a->pid(), "sh"));
  REQUIRE(t.lands("0/b", a->pid()));
  REQUIRE(t.lands("0", b->pid()));
  // The mv must come after the daemon saw a's exec, which would end it.
  REQUIRE(t.sync("0/b"));
  REQUIRE(rename_errno(t.m + "0/b/" + s(a->pid()), t.m + "0/c/" + s(a->pid())) == 0);
  REQUIRE(rename_errno(t.m + "0/" + s(b->pid()), t.m + "0/c/" + s(b->pid())) == 0);
  REQUIRE(t.in("0/c", a->pid()));

  // A reread of the rules leaves them alone; so does b's uid change.
  REQUIRE(t.reload());
  b->go();
  REQUIRE(wait_until([&] { return owner_of("/proc/" + s(b->pid())).uid == 9000; }, 3));
  REQUIRE(t.sync("0/b"));
  settle();
  CHECK(t.in("0/c", a->pid()));
  CHECK(t.in("0/c", b->pid()));
  CHECK(tasks_of(t.m + "0/b").empty());

  // Their exec ends the hand placement: the rule places them again.
  a->go();
  b->go();
  CHECK(t.lands("0/b", a->pid()));
  CHECK(t.lands("0/b", b->pid()));
}

TEST_CASE("rules: a process that placed itself stays, across exec", "[rules]") {
  SKIP_UNLESS_CLI_READY();
  TempDir bin;
  const std::string copy = bin.path() + "/sleep";  // an exe only this test runs
  std::filesystem::copy_file(real_sleep(), copy);
  ::chmod(copy.c_str(), 0755);
  RulesTree t(ours({"uid>=9000 0/b"}) + "uid>=9000 exe=" + copy + " 0/b\n");
  REQUIRE(mkdir_errno(t.m + "0/c") == 0);
  // Moving needs write permission on both groups, which root made 0755.
  REQUIRE(chmod_errno(t.m + "0/b", 0777) == 0);
  REQUIRE(chmod_errno(t.m + "0/c", 0777) == 0);

  auto self =
      sh_as(marked(9000), "echo $$ > " + t.m + "0/c/tasks || exit 1; read x; exec sleep 100");
  REQUIRE(t.lands("0/c", self->pid()));
  self->go();
  REQUIRE(runs(self->pid(), "sleep"));

  // fsched run writes its own pid as root, then becomes 9000, then execs
  // a file the second rule names: all of it after placing itself.
  Command run({cli_dir() + "/fsched", "run", "--mount", t.d.mnt(), "-g", "0/c", "-u", "9000", "--",
               copy, "100"},
              {});
  REQUIRE(runs(run.pid(), "sleep"));
  REQUIRE(owner_of("/proc/" + s(run.pid())).uid == 9000);
  // The same file run by 9000 without fsched run: the rule does hold.
  auto control = exec_as(Who{9000, 9000, {}}, {copy, "100"});
  REQUIRE(t.lands("0/b", control->pid()));
  settle();
  CHECK(t.in("0/c", self->pid()));
  CHECK(t.in("0/c", run.pid()));
  CHECK_FALSE(t.in("0/b", run.pid()));
}

TEST_CASE("rules: the groups a rule names exist from the start, root's, 0755, fair", "[rules]") {
  RulesTree t(ours({"0/users/deep"}));
  for (const char* g : {"0/users", "0/users/deep"}) {
    INFO(g);
    REQUIRE(exists(t.m + g + "/tasks"));
    Owner o = owner_of(t.m + g);
    CHECK(o.uid == 0);
    CHECK(o.mode == 0755);
    CHECK(read_file(t.m + g + "/scheduler") == "fair\n");
  }
  struct stat st;
  REQUIRE(::stat((t.m + "0/users/deep").c_str(), &st) == 0);
  CHECK(S_ISDIR(st.st_mode));
  auto p = exec_as(marked(9000), {"sleep", "100"});
  CHECK(t.lands("0/users/deep", p->pid()));
}

TEST_CASE("rules: with rules=none nothing is placed", "[rules]") {
  RulesTree t("none");
  auto sleeper = exec_as(marked(9000), {"sleep", "100"});
  auto shell = sh_as(marked(9000), "read x; exec sleep 100");
  auto setuid = root_then_setuid(9001, {kMark});
  REQUIRE(t.lands("0", shell->pid()));
  REQUIRE(t.lands("0", setuid->pid()));
  shell->go();
  setuid->go();
  REQUIRE(runs(shell->pid(), "sleep"));
  REQUIRE(wait_until([&] { return owner_of("/proc/" + s(setuid->pid())).uid == 9001; }, 3));
  setuid->go();
  REQUIRE(runs(setuid->pid(), "sleep"));
  settle();
  for (pid_t p : {sleeper->pid(), shell->pid(), setuid->pid()}) CHECK(t.in("0", p));
  std::vector<std::string> groups;  // none made
  for (const auto& n : list(t.m + "0"))
    if (exists(t.m + "0/" + n + "/tasks")) groups.push_back(n);
  CHECK(groups.empty());
}

namespace {
// Three processes of 9000 under "uid>=9000 0/b": ruled, where the rule put
// it; self, which placed itself in c; back, moved back to 0 by hand.
struct ThreeMarks {
  RulesTree t{ours({"uid>=9000 0/b"})};
  std::unique_ptr<Child> ruled, self, back;

  ThreeMarks() {
    REQUIRE(mkdir_errno(t.m + "0/c") == 0);
    // self may have been placed in b before it moves itself.
    REQUIRE(chmod_errno(t.m + "0/b", 0777) == 0);
    REQUIRE(chmod_errno(t.m + "0/c", 0777) == 0);
    ruled = sh_as(marked(9000), "read x; exec sleep 100");
    self = sh_as(marked(9000), "echo $$ > " + t.m + "0/c/tasks || exit 1; read x; exec sleep 100");
    back = sh_as(marked(9000), "read x; exec sleep 100");
    REQUIRE(t.lands("0/b", ruled->pid()));
    REQUIRE(t.lands("0/c", self->pid()));
    REQUIRE(t.lands("0/b", back->pid()));
    REQUIRE(t.sync("0/b"));
    REQUIRE(rename_errno(t.m + "0/b/" + s(back->pid()), t.m + "0/" + s(back->pid())) == 0);
  }

  // The marks file of the running daemon says of all three who placed
  // them ("PID START_TIME rule|hand|sticky" lines).
  bool kept() const {
    auto said = [](const std::string& text, pid_t pid, const std::string& how) {
      const auto at = text.find("\n" + s(pid) + " ");
      if (at == std::string::npos) return false;
      const std::string line = text.substr(at + 1, text.find('\n', at + 1) - at - 1);
      return line.ends_with(" " + how);
    };
    return wait_until(
        [&] {
          auto saved = list(t.d.state_dir());
          if (saved.size() != 1) return false;
          const std::string text = read_file(t.d.state_dir() + "/" + saved[0]);
          return said(text, ruled->pid(), "rule") && said(text, self->pid(), "sticky") &&
                 said(text, back->pid(), "hand");
        },
        10);
  }

  // What a start after the rules changed to "uid>=9000 0/d" must find:
  // the rule's process follows the rules in force; the others stay.
  void check_placed() {
    CHECK(t.lands("0/d", ruled->pid()));
    REQUIRE(t.sync("0/d"));
    CHECK(t.in("0/c", self->pid()));
    CHECK(t.in("0", back->pid()));
  }
  // Then their execs: the hand placement ends there, the process's own
  // does not.
  void check_execs() {
    self->go();
    back->go();
    CHECK(t.lands("0/d", back->pid()));
    REQUIRE(runs(self->pid(), "sleep"));
    REQUIRE(t.sync("0/d"));
    CHECK(t.in("0/c", self->pid()));
  }
};
}  // namespace

TEST_CASE("rules: who placed each process outlives a restart", "[rules]") {
  ThreeMarks m;
  REQUIRE(m.t.d.stop() == 0);
  auto saved = list(m.t.d.state_dir());
  REQUIRE(saved.size() == 1);
  CHECK(saved[0].ends_with(".placements"));
  // The rules change while no daemon runs.
  REQUIRE(put_file(m.t.file, ours({"uid>=9000 0/d"})));
  m.t.d.start();
  m.check_placed();
  // The new daemon keeps the file current (taken at start, written again).
  CHECK(m.kept());
  m.check_execs();
}

TEST_CASE("rules: who placed each process outlives a crash, as kept moments before", "[rules]") {
  ThreeMarks m;
  // The running daemon keeps the file (every 5 s, when anything moved).
  REQUIRE(m.kept());
  m.t.d.kill_hard();
  REQUIRE(put_file(m.t.file, ours({"uid>=9000 0/d"})));
  m.t.d.start();  // on the dead mount
  m.check_placed();
  m.check_execs();
}
