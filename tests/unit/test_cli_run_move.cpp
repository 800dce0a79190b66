// fsched run and fsched move, the parts that need no tree: their command
// lines, and the lines move prints for what it could not move.
#include <catch2/catch.hpp>

#include <cerrno>
#include <string>
#include <vector>

#include "cli_error.hpp"
#include "mount_point.hpp"
#include "move_cmd.hpp"
#include "run_cmd.hpp"

using namespace fsched::cli;
using Words = std::vector<std::string>;

TEST_CASE("fsched run: our options, then CMD with its own", "[cli][run]") {
  RunOptions o = parse_run_args(
      {"-g", "0/batch", "-u", "9000", "-n", "5", "--mount", "/m", "--", "make", "-j", "8"});
  CHECK(o.group == "0/batch");
  CHECK(o.user == "9000");
  REQUIRE(o.nice);
  CHECK(*o.nice == 5);
  CHECK(o.mount == "/m");
  CHECK(o.command == Words{"make", "-j", "8"});

  // Without --, options end at the first word that is not one of ours:
  // -g and -n after CMD are CMD's.
  o = parse_run_args({"-g", "0/g", "grep", "-n", "x", "-g", "--", "f"});
  CHECK(o.group == "0/g");
  CHECK_FALSE(o.nice);
  CHECK(o.command == Words{"grep", "-n", "x", "-g", "--", "f"});
  // After --, even a word like an option is CMD.
  o = parse_run_args({"--", "-weird-name", "a"});
  CHECK(o.command == Words{"-weird-name", "a"});
  CHECK(o.group.empty());
  CHECK(o.user.empty());
  // A second -- belongs to CMD.
  o = parse_run_args({"--", "sh", "--", "x"});
  CHECK(o.command == Words{"sh", "--", "x"});
  // Long forms.
  o = parse_run_args({"--group", "0/a", "--user", "alice", "--nice", "-3", "true"});
  CHECK(o.group == "0/a");
  CHECK(o.user == "alice");
  CHECK(*o.nice == -3);
}

TEST_CASE("fsched run: refused command lines", "[cli][run]") {
  CHECK_THROWS_AS(parse_run_args({}), CliError);
  CHECK_THROWS_WITH(parse_run_args({"-g", "0/g"}), Catch::StartsWith("no CMD to run"));
  CHECK_THROWS_WITH(parse_run_args({"-g", "0/g", "--"}), Catch::StartsWith("no CMD to run"));
  CHECK_THROWS_WITH(parse_run_args({"-g"}), Catch::StartsWith("-g needs a value"));
  CHECK_THROWS_WITH(parse_run_args({"-u", "", "true"}), Catch::StartsWith("-u needs a value"));
  CHECK_THROWS_WITH(parse_run_args({"-x", "true"}), Catch::StartsWith("unknown option -x"));
  CHECK_THROWS_WITH(parse_run_args({"-n", "20", "true"}), "-n: 20: not a nice level (-20..19)");
}

TEST_CASE("fsched run -n: an absolute level in -20..19", "[cli][run]") {
  CHECK(parse_nice("0") == 0);
  CHECK(parse_nice("19") == 19);
  CHECK(parse_nice("-20") == -20);
  CHECK(parse_nice("+5") == 5);
  for (const char* bad : {"20", "-21", "abc", "", "5x", "1.5", " 5", "--5", "99999999999999999999"})
    CHECK_THROWS_WITH(parse_nice(bad), "-n: " + std::string(bad) + ": not a nice level (-20..19)");
}

TEST_CASE("fsched move: GROUP, then PIDs; --mount anywhere", "[cli][move]") {
  MoveOptions o = parse_move_args({"0/g", "1", "2", "--mount", "/m", "3"});
  CHECK(o.group == "0/g");
  CHECK(o.mount == "/m");
  CHECK(o.pids == Words{"1", "2", "3"});
  // Bad PIDs are operands, reported one by one later, not usage errors.
  o = parse_move_args({"0/g", "-5", "abc", "+7"});
  CHECK(o.pids == Words{"-5", "abc", "+7"});
  o = parse_move_args({"--", "0/g", "--mount"});
  CHECK(o.mount.empty());
  CHECK(o.pids == Words{"--mount"});

  CHECK_THROWS_WITH(parse_move_args({}), Catch::StartsWith("no GROUP given"));
  CHECK_THROWS_WITH(parse_move_args({"0/g"}), Catch::StartsWith("no PID given"));
  CHECK_THROWS_WITH(parse_move_args({"--mount"}), Catch::StartsWith("--mount needs a value"));
  CHECK_THROWS_WITH(parse_move_args({"-a", "0/g", "1"}), Catch::StartsWith("unknown option -a"));
}

TEST_CASE("fsched move: what counts as a pid", "[cli][move]") {
  CHECK(parse_pid_word("1") == 1);
  CHECK(parse_pid_word("4242") == 4242);
  CHECK(parse_pid_word("007") == 7);
  CHECK(parse_pid_word("2147483647") == 2147483647);
  for (const char* bad : {"0", "", "abc", "-1", "+1", "12x", " 12", "2147483648", "1e3"})
    CHECK(parse_pid_word(bad) == 0);
}

TEST_CASE("fsched move: one line per failure, the errno by name", "[cli][move]") {
  CHECK(failure_line("4242", ESRCH) == "fsched move: 4242: No such process (ESRCH)");
  CHECK(failure_line("abc", EINVAL) == "fsched move: abc: Invalid argument (EINVAL)");
  CHECK(failure_line("17", EPERM) == "fsched move: 17: Operation not permitted (EPERM)");
  CHECK(failure_line("0/nogroup", ENOENT) ==
        "fsched move: 0/nogroup: No such file or directory (ENOENT)");
  CHECK(failure_line("1", 4095).find("(errno 4095)") != std::string::npos);
}

TEST_CASE("run and move name the group when it is missing, its tasks file else", "[cli][run]") {
  CHECK(tasks_error_subject("0/nogroup", ENOENT) == "0/nogroup");
  CHECK(tasks_error_subject("0/a/", ENOTDIR) == "0/a");
  CHECK(tasks_error_subject("0/g", EACCES) == "0/g/tasks");
  CHECK(tasks_error_subject("0/g/", EPERM) == "0/g/tasks");
  // An absolute GROUP needs no mount found.
  CHECK(tasks_file_of("", "/run/sched-groups/0/g/") == "/run/sched-groups/0/g/tasks");
}
