// The fsched command's pure parts: the assignment's spawn rules, finding
// the mount, top's arithmetic and `rules check`'s summary.
#include <catch2/catch.hpp>
#include <string>

#include "cli_error.hpp"
#include "mount_point.hpp"
#include "rules_cmd.hpp"
#include "rules_fixture.hpp"
#include "spawn_conf.hpp"
#include "top_json.hpp"
#include "top_report.hpp"

using namespace fsched::cli;

namespace {
long no_users(const std::string&) {
  return -1;
}
long only_alice(const std::string& name) {
  return name == "alice" ? 1000 : -1;
}
}  // namespace

TEST_CASE("spawn finds CONF as the assignment says", "[cli][spawn]") {
  CHECK(conf_path("", "/home/me", "/opt/fsched/bin") == "/opt/fsched/bin/spawn.conf");
  CHECK(conf_path("my.conf", "/home/me", "/opt/fsched/bin") == "/home/me/my.conf");
  CHECK(conf_path("sub/my.conf", "/home/me", "/x") == "/home/me/sub/my.conf");
  CHECK(conf_path("/etc/fs.conf", "/home/me", "/x") == "/etc/fs.conf");
}

namespace {
// The build tree has /b/cli/spawn.conf; the installed layout has none
// beside /usr/bin/fsched, the workloads in /usr/libexec/fsched.
bool build_and_installed(const std::string& p) {
  return p == "/b/cli/spawn.conf" || p == "/usr/share/fsched/spawn.conf" ||
         p == "/usr/libexec/fsched/piglet" || p == "/home/me/exp/io";
}
}  // namespace

TEST_CASE("spawn falls back to the installed CONF and workloads", "[cli][spawn]") {
  const std::string installed = "/usr/share/fsched/spawn.conf";
  CHECK(conf_path("", "/home/me", "/b/cli", installed, build_and_installed) == "/b/cli/spawn.conf");
  CHECK(conf_path("", "/home/me", "/usr/bin", installed, build_and_installed) == installed);
  CHECK(conf_path("my.conf", "/home/me", "/usr/bin", installed, build_and_installed) ==
        "/home/me/my.conf");

  auto lines =
      parse_spawn_conf("1 piglet 5\n1 io\n1 /bin/yes\n1 gone\n", "/home/me/exp/s.conf", no_users);
  find_programs_in(lines, "/usr/libexec/fsched", build_and_installed);
  CHECK(lines[0].program == "/usr/libexec/fsched/piglet");
  CHECK(lines[0].args == std::vector<std::string>{"piglet", "5"});
  CHECK(lines[1].program == "/home/me/exp/io");  // beside CONF wins
  CHECK(lines[2].program == "/bin/yes");
  CHECK(lines[3].program == "/home/me/exp/gone");  // reported missing where CONF says
}

TEST_CASE("spawn takes relative programs from CONF's directory", "[cli][spawn]") {
  auto lines = parse_spawn_conf(
      "# the assignment's sample\n9000 piglet\n\n9001 /usr/bin/yes  y\nalice bin/io /srv\n",
      "/home/me/exp/spawn.conf", only_alice);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].uid == 9000);
  CHECK(lines[0].program == "/home/me/exp/piglet");
  CHECK(lines[0].args == std::vector<std::string>{"piglet"});
  CHECK(lines[0].line_no == 2);
  CHECK(lines[1].program == "/usr/bin/yes");
  CHECK(lines[1].args == std::vector<std::string>{"/usr/bin/yes", "y"});
  CHECK(lines[2].uid == 1000);
  CHECK(lines[2].program == "/home/me/exp/bin/io");
}

TEST_CASE("spawn refuses a bad CONF naming the line", "[cli][spawn]") {
  auto message = [](const char* text) {
    try {
      parse_spawn_conf(text, "c.conf", no_users);
    } catch (const CliError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(message("9000 piglet\n9001\n") == "c.conf:2: expected UID PROGRAM [ARGS], got \"9001\"");
  CHECK(message("bob piglet\n") == "c.conf:1: no user named \"bob\"");
  CHECK(message("4294967295 piglet\n") == "c.conf:1: uid 4294967295 is out of range");
  CHECK(message("# nothing\n\n") == "c.conf: no UID PROGRAM lines");
}

TEST_CASE("the tree's mounts are found in mountinfo", "[cli]") {
  const char* info =
      "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
      "41 26 0:38 / /run/sched\\040groups rw,nosuid - fuse.fschedfs fschedfs rw\n"
      "42 26 0:39 / /mnt/other rw - fuse.sshfs x rw\n"
      "43 26 0:40 / /tmp/m rw shared:5 - fuse.fschedfs fschedfs rw\n"
      "44 26 0:40 /schedulers /proc/schedulers rw - fuse.fschedfs fschedfs rw\n";
  CHECK(fschedfs_mounts(info) == std::vector<std::string>{"/run/sched groups", "/tmp/m"});
}

TEST_CASE("top: a capped group shows its cap, and AT CAP while held at it", "[cli][top][caps]") {
  Sample a, b;
  a.when_sec = 10;
  b.when_sec = 11;
  GroupSample g{"0/batch", "fair", 100, {}};
  g.cpu_max = "25000 100000";
  g.cpus = "0";
  g.nr_throttled = 3;
  a.groups = {GroupSample{"0", "fair", 100, {}}, g};
  g.nr_throttled = 12;
  b.groups = {GroupSample{"0", "fair", 100, {}}, g};
  auto rows = make_report(a, b, {}, default_user_name);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].label == "0 (fair)");
  CHECK(rows[1].label == "0/batch (fair, weight 100, cpu.max 25000 100000, cpus 0) AT CAP");
  CHECK(rows[1].at_cap);
  auto doc = report_json(ReportHead{}, rows);
  CHECK(doc["groups"][1]["cpu_max"] == "25000 100000");
  CHECK(doc["groups"][1]["at_cap"] == true);
  CHECK_FALSE(doc["groups"][0].contains("at_cap"));
  b.groups[1].nr_throttled = 3;
  rows = make_report(a, b, {}, default_user_name);
  CHECK_FALSE(rows[1].at_cap);
  CHECK(rows[1].label == "0/batch (fair, weight 100, cpu.max 25000 100000, cpus 0)");
}

TEST_CASE("top: each user's share of real time and of CPU time", "[cli][top]") {
  Sample a, b;
  a.when_sec = 10;
  b.when_sec = 12;  // 2 s
  auto proc = [](pid_t pid, uid_t uid, std::uint64_t usec) {
    ProcSample p;
    p.pid = pid;
    p.uid = uid;
    p.comm = "piglet";
    p.usage_usec = usec;
    p.user_usec = usec;
    return p;
  };
  a.groups = {
      GroupSample{"0", "fair", 100, {proc(1, 0, 0), proc(2, 0, 5)}},
      GroupSample{
          "0/fs", "user-fair", 100, {proc(10, 9000, 0), proc(11, 9000, 0), proc(12, 9001, 0)}}};
  b.groups = {GroupSample{"0", "fair", 100, {proc(1, 0, 0), proc(2, 0, 5)}},
              GroupSample{"0/fs",
                          "user-fair",
                          100,
                          {proc(10, 9000, 250'000), proc(11, 9000, 250'000),
                           proc(12, 9001, 500'000), proc(13, 9001, 1)}}};
  b.usernice[9000] = -5;
  auto rows = make_report(a, b, {}, default_user_name);
  // 0's idle processes are left out; 13 is new (no earlier count).
  REQUIRE(rows.size() == 7);
  CHECK(rows[0].label == "0 (fair)");
  CHECK(rows[0].pct.total == Approx(0));
  CHECK(rows[1].label == "0/fs (user-fair, weight 100)");
  CHECK(rows[1].pct.total == Approx(50));
  CHECK(rows[2].label == "User 9000 (usernice -5)");
  CHECK(rows[2].pct.total == Approx(25));
  CHECK(rows[3].label == "(piglet) 10");
  CHECK(rows[3].pct.total == Approx(12.5));
  CHECK(rows[5].label == "User 9001");
  CHECK(rows[6].pct.total == Approx(25));

  ReportOptions cpu;
  cpu.cpu_time = true;
  rows = make_report(a, b, cpu, default_user_name);
  CHECK(rows[2].pct.total == Approx(50));
  CHECK(rows[5].pct.total == Approx(50));
  CHECK(format_pct(rows[2].pct) == " 50.0% ( 50.0%,   0.0%)");

  ReportOptions all;
  all.all = true;
  CHECK(make_report(a, b, all, default_user_name).size() == 10);
}

TEST_CASE("fsched rules check sums up a good file", "[rules][cli]") {
  using fsched::parse_rules;
  using fsched::RuleSet;
  using fsched::test::fake_names;
  auto r =
      parse_rules("uid>=1000 0/users\nuid=0 0\ncomm=make 0/batch/\nuid=5 0/users\n", fake_names());
  REQUIRE(r);
  CHECK(rules_summary("/etc/fsched/rules", *r) ==
        "/etc/fsched/rules: 4 rules, groups: 0/users, 0, 0/batch");
  CHECK(rules_summary("r", *parse_rules("uid=1 0/a", fake_names())) == "r: 1 rule, groups: 0/a");
  CHECK(rules_summary("r", RuleSet()) == "r: 0 rules");
}
