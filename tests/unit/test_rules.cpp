// Placement rules: what each match kind holds for, first match wins, and
// the grammar's comments, blanks and group paths.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "placement_rules.hpp"
#include "rules_fixture.hpp"

using namespace fsched;
using fsched::test::facts;
using fsched::test::fake_names;

namespace {
RuleSet parsed(const std::string& text) {
  auto r = parse_rules(text, fake_names());
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r);
  return std::move(*r);
}

// The line of the rule `text`'s one rule picks for `f`, 0 for none.
int picked(const std::string& text, const ProcessFacts& f) {
  const RuleSet rules = parsed(text);
  const PlacementRule* r = rules.match(f);
  return r ? r->line : 0;
}
}  // namespace

TEST_CASE("uid=N, uid=N-M and uid>=N match the real uid", "[rules]") {
  CHECK(picked("uid=1000 0/a", facts(1000)) == 1);
  CHECK(picked("uid=1000 0/a", facts(1001)) == 0);
  CHECK(picked("uid=0 0/a", facts(0)) == 1);
  CHECK(picked("uid=1000-1999 0/a", facts(1000)) == 1);
  CHECK(picked("uid=1000-1999 0/a", facts(1999)) == 1);
  CHECK(picked("uid=1000-1999 0/a", facts(999)) == 0);
  CHECK(picked("uid=1000-1999 0/a", facts(2000)) == 0);
  CHECK(picked("uid=5-5 0/a", facts(5)) == 1);
  CHECK(picked("uid>=1000 0/a", facts(1000)) == 1);
  CHECK(picked("uid>=1000 0/a", facts(4294967294u)) == 1);
  CHECK(picked("uid>=1000 0/a", facts(999)) == 0);
  CHECK(picked("uid=4294967294 0/a", facts(4294967294u)) == 1);
  CHECK(picked("uid=007 0/a", facts(7)) == 1);  // decimal, leading zeros and all
}

TEST_CASE("user=NAME is the uid the name has when the file is read", "[rules]") {
  const RuleSet rules = parsed("user=alice 0/a\n");
  REQUIRE(rules.rules().size() == 1);
  const RuleMatch& m = rules.rules()[0].matches.at(0);
  CHECK(m.kind == RuleMatch::Kind::uid);
  CHECK(m.lo == 1000);
  CHECK(m.hi == 1000);
  CHECK(rules.match(facts(1000)));
  CHECK_FALSE(rules.match(facts(1001)));
}

TEST_CASE("gid=N and group=NAME match the real gid or a supplementary group", "[rules]") {
  ProcessFacts primary = facts(1000, 50);
  ProcessFacts member = facts(1000, 100);
  member.groups = {10, 50, 60};
  ProcessFacts outsider = facts(1000, 100);
  outsider.groups = {10, 60};
  for (const char* text : {"gid=50 0/a", "group=staff 0/a"}) {
    INFO(text);
    CHECK(picked(text, primary) == 1);
    CHECK(picked(text, member) == 1);
    CHECK(picked(text, outsider) == 0);
  }
  const RuleSet rules = parsed("group=students 0/a");
  CHECK(rules.rules()[0].matches[0].kind == RuleMatch::Kind::group);
  CHECK(rules.rules()[0].matches[0].lo == 2000);
}

TEST_CASE("comm= and exe= match exactly", "[rules]") {
  ProcessFacts f = facts(1000);
  f.comm = "make";
  f.exe = "/usr/bin/make";
  CHECK(picked("comm=make 0/a", f) == 1);
  CHECK(picked("comm=mak 0/a", f) == 0);
  CHECK(picked("comm=make2 0/a", f) == 0);
  CHECK(picked("comm=Make 0/a", f) == 0);
  CHECK(picked("exe=/usr/bin/make 0/a", f) == 1);
  CHECK(picked("exe=/usr/bin/mak 0/a", f) == 0);
  CHECK(picked("exe=/bin/make 0/a", f) == 0);
  f.comm = std::string(15, 'x');
  CHECK(picked("comm=" + std::string(15, 'x') + " 0/a", f) == 1);
  f.comm = "a#b";  // '#' inside a token is no comment
  CHECK(picked("comm=a#b 0/a", f) == 1);
}

TEST_CASE("all matches of a line must hold, and the first line that holds wins", "[rules]") {
  const std::string text =
      "uid>=1000 comm=make 0/build\n"
      "uid=1000-1999 group=students 0/students\n"
      "uid>=1000 0/users\n"
      "uid=1000 0/never\n";
  ProcessFacts f = facts(1000);
  CHECK(picked(text, f) == 3);
  f.comm = "make";
  CHECK(picked(text, f) == 1);
  f.comm = "sh";
  f.groups = {2000};
  CHECK(picked(text, f) == 2);
  CHECK(picked(text, facts(5000)) == 3);
  CHECK(picked(text, facts(0)) == 0);
  CHECK(parsed(text).match(facts(1000))->group == GroupPath{"users"});
}

TEST_CASE("comments, blank lines, tabs and CRLF are no rules", "[rules]") {
  const RuleSet rules = parsed(
      "# the lab's rules\n"
      "\n"
      "   \t \n"
      "\tuid=0\t\t0/root   # root's work\n"
      "   # indented comment\n"
      "user=bob 0/bob\r\n"
      "uid=1 0/last");  // no newline at the end
  REQUIRE(rules.rules().size() == 3);
  CHECK(rules.rules()[0].line == 4);
  CHECK(rules.rules()[0].group == GroupPath{"root"});
  CHECK(rules.rules()[1].line == 6);
  CHECK(rules.rules()[1].group == GroupPath{"bob"});
  CHECK(rules.rules()[2].line == 7);
  CHECK(rules.rules()[2].group == GroupPath{"last"});
  CHECK(parsed("").empty());
  CHECK(parsed("# nothing\n\n").empty());
}

TEST_CASE("uid>=1000 #comm=make 0/x is a rule without a group", "[rules]") {
  // The '#' cut the line before the group: refused, not read as a rule.
  auto r = parse_rules("uid>=1000 #comm=make 0/x\n", fake_names());
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "rules:1: no group at the end of the line (as uid>=1000 0/users)");
}

TEST_CASE("GROUP is 0 or a path below it, one trailing slash allowed", "[rules]") {
  CHECK(parsed("uid=0 0").rules()[0].group.empty());
  CHECK(parsed("uid=0 0/").rules()[0].group.empty());
  CHECK(parsed("uid=0 0/a/b").rules()[0].group == GroupPath{"a", "b"});
  CHECK(parsed("uid=0 0/a/b/").rules()[0].group == GroupPath{"a", "b"});
  CHECK(parsed("uid=0 0/batch-2.x_Y").rules()[0].group == GroupPath{"batch-2.x_Y"});
  CHECK(group_text({}) == "0");
  CHECK(group_text({"users", "lab"}) == "0/users/lab");
}

TEST_CASE("groups() names each group once, in the order of the file", "[rules]") {
  const RuleSet rules = parsed(
      "uid=1 0/b\n"
      "uid=2 0/a\n"
      "uid=3 0/b/\n"
      "uid=4 0\n"
      "uid=5 0/a/c\n"
      "uid=6 0/a\n"
      "uid=7 0/\n");
  CHECK(rules.groups() == std::vector<GroupPath>{{"b"}, {"a"}, {}, {"a", "c"}});
  CHECK(RuleSet().groups().empty());
}

TEST_CASE("needs() asks for the facts beyond uid and gid that rules read", "[rules]") {
  CHECK(RuleSet().needs() == 0);
  CHECK(parsed("uid=1 0/a\nuser=alice 0/b\nuid>=5 0/c\n").needs() == 0);
  CHECK(parsed("gid=5 0/a").needs() == kNeedGroups);
  CHECK(parsed("group=staff 0/a").needs() == kNeedGroups);
  CHECK(parsed("comm=make 0/a").needs() == kNeedComm);
  CHECK(parsed("exe=/bin/sh 0/a").needs() == kNeedExe);
  CHECK(parsed("uid=1 comm=sh 0/a\nexe=/bin/sh 0/b\n").needs() == (kNeedComm | kNeedExe));
  CHECK(parsed("gid=1 comm=a exe=/a 0/a").needs() == (kNeedGroups | kNeedComm | kNeedExe));
}

TEST_CASE("a rule keeps its matches in order and its line", "[rules]") {
  const RuleSet rules = parsed("\n\nuid=1-2 gid=3 comm=sh exe=/bin/sh 0/a\n");
  REQUIRE(rules.rules().size() == 1);
  const PlacementRule& r = rules.rules()[0];
  CHECK(r.line == 3);
  REQUIRE(r.matches.size() == 4);
  CHECK(r.matches[0].kind == RuleMatch::Kind::uid);
  CHECK(r.matches[0].lo == 1);
  CHECK(r.matches[0].hi == 2);
  CHECK(r.matches[1].kind == RuleMatch::Kind::gid);
  CHECK(r.matches[1].lo == 3);
  CHECK(r.matches[2].kind == RuleMatch::Kind::comm);
  CHECK(r.matches[2].text == "sh");
  CHECK(r.matches[3].kind == RuleMatch::Kind::exe);
  CHECK(r.matches[3].text == "/bin/sh");
}
