// Placement rules that are refused: each mistake with its line, every bad
// line at once; and reading the file.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>
#include <vector>

#include "placement_rules.hpp"
#include "rules_fixture.hpp"

using namespace fsched;
using fsched::test::fake_names;

namespace {
// The message a one-line file `line` is refused with, "" when accepted.
std::string refusal(const std::string& line) {
  auto r = parse_rules(line + "\n", fake_names(), "f");
  if (r) return "";
  CHECK(r.error().code == EINVAL);
  return r.error().message;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("a line needs matches and ends with a group", "[rules]") {
  CHECK(refusal("0/users") == "f:1: no match before the group '0/users'");
  CHECK(refusal("  0  # only a group") == "f:1: no match before the group '0'");
  CHECK(refusal("uid=5") == "f:1: no group at the end of the line (as uid>=1000 0/users)");
  CHECK(refusal("uid=5 comm=sh") == "f:1: no group at the end of the line (as uid>=1000 0/users)");
  CHECK(refusal("uid=5 0/a 0/b") == "f:1: '0/a' is a group: a rule has one group, at its end");
}

TEST_CASE("unknown match kinds are refused with the list of known ones", "[rules]") {
  const std::string known = " (uid=, user=, gid=, group=, comm=, exe=)";
  for (std::string bad : {"foo=x", "uid<5", "pid=3", "uid", "=5", "gid>=5", "UID=5", "users"}) {
    INFO(bad);
    CHECK(refusal(bad + " 0/a") == "f:1: unknown match '" + bad + "'" + known);
  }
}

TEST_CASE("ids are decimal numbers from 0 to 4294967294", "[rules]") {
  const std::string range = ": a decimal number from 0 to 4294967294";
  for (std::string bad :
       {"", "-1", "+5", "0x10", "1e3", "4294967295", "99999999999999999999", "1.5", "abc", "5,6"}) {
    INFO(bad);
    CHECK(refusal("uid=" + bad + "\t0/a") == "f:1: bad uid '" + bad + "'" + range);
    CHECK(refusal("gid=" + bad + "\t0/a") == "f:1: bad gid '" + bad + "'" + range);
    CHECK(refusal("uid>=" + bad + "\t0/a") == "f:1: bad uid '" + bad + "'" + range);
  }
  CHECK(refusal("uid=0 0/a").empty());
  CHECK(refusal("gid=4294967294 0/a").empty());
}

TEST_CASE("uid=N-M needs N <= M, both numbers", "[rules]") {
  CHECK(refusal("uid=2000-1000 0/a") ==
        "f:1: bad uid range '2000-1000': the first is above the last");
  for (const char* bad : {"1-", "1-x", "1--2", "1-2-3", "1-4294967295"}) {
    INFO(bad);
    CHECK(contains(refusal("uid=" + std::string(bad) + " 0/a"),
                   "f:1: bad uid range '" + std::string(bad) + "'"));
  }
}

TEST_CASE("unknown user and group names are refused", "[rules]") {
  CHECK(refusal("user=mallory 0/a") == "f:1: unknown user 'mallory'");
  CHECK(refusal("user= 0/a") == "f:1: unknown user ''");
  CHECK(refusal("group=wheel 0/a") == "f:1: unknown group 'wheel'");
  CHECK(refusal("group= 0/a") == "f:1: unknown group ''");
}

TEST_CASE("comm= is 1 to 15 bytes, exe= an absolute path", "[rules]") {
  CHECK(refusal("comm= 0/a") == "f:1: comm= needs a name");
  CHECK(contains(refusal("comm=" + std::string(16, 'x') + " 0/a"), "longer than 15 bytes"));
  CHECK(refusal("exe=bin/sh 0/a") == "f:1: exe=bin/sh is not an absolute path");
  CHECK(refusal("exe= 0/a") == "f:1: exe= is not an absolute path");
}

TEST_CASE("group paths start at 0 and take mkdir's names", "[rules]") {
  const std::string start = ": a group path starts at 0, as 0/users";
  CHECK(refusal("uid=1 users") == "f:1: bad group 'users'" + start);
  CHECK(refusal("uid=1 /0/users") == "f:1: bad group '/0/users'" + start);
  CHECK(refusal("uid=1 1/users") == "f:1: bad group '1/users'" + start);
  CHECK(refusal("uid=1 00/users") == "f:1: bad group '00/users'" + start);
  CHECK(refusal("uid=1 0users") == "f:1: bad group '0users'" + start);
  CHECK(refusal("uid=1 /") == "f:1: bad group '/'" + start);
  CHECK(refusal("uid=1 0//a") == "f:1: bad group '0//a': an empty name between slashes");
  CHECK(refusal("uid=1 0/a//") == "f:1: bad group '0/a//': an empty name between slashes");
  CHECK(refusal("uid=1 0/a/1234") ==
        "f:1: bad group '0/a/1234': '1234' is a pid directory, not a group");
  for (const char* reserved : {"stats", "tasks", "scheduler", "cpu.weight", "comm"}) {
    INFO(reserved);
    CHECK(refusal("uid=1 0/" + std::string(reserved)) ==
          "f:1: bad group '0/" + std::string(reserved) + "': '" + reserved +
              "' is reserved (a file of every group or pid directory)");
  }
  CHECK(refusal("uid=1 0/.hidden") == "f:1: bad group '0/.hidden': '.hidden' starts with a dot");
  CHECK(refusal("uid=1 0/..") == "f:1: bad group '0/..': '..' starts with a dot");
  const std::string longname(65, 'a');
  CHECK(refusal("uid=1 0/" + longname) ==
        "f:1: bad group '0/" + longname + "': '" + longname + "' is longer than 64 bytes");
  CHECK(refusal("uid=1 0/" + std::string(64, 'a')).empty());
  CHECK(refusal("uid=1 0/caf\xc3\xa9") ==
        "f:1: bad group '0/caf\xc3\xa9': 'caf\xc3\xa9' has a byte other than A-Z a-z 0-9 _ . -");
  CHECK(contains(refusal("uid=1 0/a#b"), "has a byte other than"));
}

TEST_CASE("overlong lines and NUL bytes are refused", "[rules]") {
  const std::string pad(4096 - 10, ' ');
  CHECK(refusal("uid=1 0/a" + pad + "#").empty());  // 4096 bytes exactly
  CHECK(refusal("uid=1 0/a" + pad + "##") == "f:1: longer than 4096 bytes");
  CHECK(refusal(std::string("uid=1 0/a\0", 10)) == "f:1: a NUL byte");
}

TEST_CASE("every bad line is reported, in line order, and nothing is kept", "[rules]") {
  const std::string text =
      "# lab rules\n"
      "uid>=1000 0/users\n"
      "foo=x 0/a\n"
      "uid=1 0/ok\n"
      "\n"
      "user=mallory 0/b\n"
      "uid=9-1 0/c\n"
      "uid=1 0/1234\n"
      "0/alone\n";
  auto r = parse_rules(text, fake_names(), "/etc/fsched/rules");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == EINVAL);
  CHECK(r.error().message ==
        "/etc/fsched/rules:3: unknown match 'foo=x' (uid=, user=, gid=, group=, comm=, exe=)\n"
        "/etc/fsched/rules:6: unknown user 'mallory'\n"
        "/etc/fsched/rules:7: bad uid range '9-1': the first is above the last\n"
        "/etc/fsched/rules:8: bad group '0/1234': '1234' is a pid directory, not a group\n"
        "/etc/fsched/rules:9: no match before the group '0/alone'");
  // The default source name.
  CHECK(parse_rules("x\n", fake_names()).error().message.rfind("rules:1: ", 0) == 0);
}

TEST_CASE("system_names() resolves root", "[rules]") {
  const NameLookup names = system_names();
  CHECK(names.user("root") == std::optional<uid_t>(0));
  CHECK(names.group("root") == std::optional<gid_t>(0));
  CHECK_FALSE(names.user("no-such-user-fsched-test"));
  CHECK_FALSE(names.group("no-such-group-fsched-test"));
}

namespace {
struct TempDir {
  std::string path;
  std::vector<std::string> files;
  TempDir() {
    char tmpl[] = "/tmp/fsched-unit-rules-XXXXXX";
    REQUIRE(::mkdtemp(tmpl));
    path = tmpl;
  }
  ~TempDir() {
    for (const auto& f : files) ::unlink(f.c_str());
    ::rmdir(path.c_str());
  }
  std::string write(const std::string& name, const std::string& text) {
    const std::string file = path + "/" + name;
    files.push_back(file);
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    return file;
  }
};
}  // namespace

TEST_CASE("load_rules reads a file and names it in errors", "[rules]") {
  TempDir dir;
  const std::string good = dir.write("rules", "uid>=1000 0/users\nuser=alice comm=make 0/batch\n");
  auto r = load_rules(good, fake_names());
  REQUIRE(r);
  CHECK(r->rules().size() == 2);
  CHECK(r->needs() == kNeedComm);

  const std::string bad = dir.write("bad", "uid>=1000 0/users\nuid=x 0/a\n");
  auto b = load_rules(bad, fake_names());
  REQUIRE_FALSE(b);
  CHECK(b.error().code == EINVAL);
  CHECK(b.error().message == bad + ":2: bad uid 'x': a decimal number from 0 to 4294967294");

  auto missing = load_rules(dir.path + "/none", fake_names());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ENOENT);
  CHECK(missing.error().message == dir.path + "/none: No such file or directory");

  auto is_dir = load_rules(dir.path, fake_names());
  REQUIRE_FALSE(is_dir);
  CHECK(is_dir.error().code == EISDIR);
  CHECK(is_dir.error().message == dir.path + ": Is a directory");

  const std::string big = dir.write("big", std::string((1 << 20) + 1, '\n'));
  auto too_big = load_rules(big, fake_names());
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().code == EFBIG);
  CHECK(too_big.error().message == big + ": larger than 1 MiB");
  CHECK(load_rules(dir.write("full", std::string(1 << 20, '\n')), fake_names()));
}
