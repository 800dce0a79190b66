// The leaf pool over a fake file system: which directories it makes,
// keeps and removes, without cgroupfs.
#include <catch2/catch.hpp>

#include <cerrno>
#include <map>
#include <set>

#include "cgroup_names.hpp"
#include "leaf_pool.hpp"

using namespace fsched;

namespace {
// Directories as a set of paths; a directory's processes and nice level
// are set by the test. `fail_*` make the next calls fail with that errno.
struct FakeLeafFs : LeafFs {
  std::set<std::string> dirs{"/g"};
  std::map<std::string, std::vector<pid_t>> pids;
  std::map<std::string, int> nice;
  int fail_make = 0, fail_nice = 0;

  int make_dir(const std::string& dir) override {
    if (fail_make) return fail_make;
    return dirs.insert(dir).second ? 0 : EEXIST;
  }
  void remove_dir(const std::string& dir) override {
    dirs.erase(dir);
    nice.erase(dir);
  }
  std::vector<pid_t> procs(const std::string& dir) override { return pids[dir]; }
  std::vector<std::string> subdirs(const std::string& dir) override {
    std::vector<std::string> out;
    for (const auto& d : dirs)
      if (d.starts_with(dir + "/") && d.find('/', dir.size() + 1) == std::string::npos)
        out.push_back(d.substr(dir.size() + 1));
    return out;
  }
  int enable_cpu(const std::string&) override { return 0; }
  int set_nice(const std::string& dir, int level) override {
    if (fail_nice) return fail_nice;
    nice[dir] = level;
    return 0;
  }
};

struct PoolFixture {
  FakeLeafFs fs;
  GroupPath g{"g"};
  LeafPool pool{fs, [](const GroupPath& p) { return "/" + p.front(); }};
  PoolFixture() { pool.add_group(g); }
};
}  // namespace

TEST_CASE_METHOD(PoolFixture, "a released leaf is the next one taken", "[leaf_pool]") {
  std::string a, b;
  REQUIRE(pool.take(g, "", &a) == 0);
  CHECK(a == "proc-0");
  CHECK(fs.dirs.count("/g/proc-0"));
  CHECK_FALSE(pool.release(g, a, 0));
  CHECK(fs.dirs.count("/g/proc-0"));  // kept as a spare
  REQUIRE(pool.take(g, "", &b) == 0);
  CHECK(b == a);
  CHECK(fs.dirs.size() == 2);  // no new directory
}

TEST_CASE_METHOD(PoolFixture, "a spare is reset to nice 0; a leaf that cannot be reset goes",
                 "[leaf_pool]") {
  std::string a, b;
  REQUIRE(pool.take(g, "", &a) == 0);
  REQUIRE(pool.take(g, "", &b) == 0);
  fs.nice["/g/" + a] = 5;
  pool.release(g, a, 5);
  CHECK(fs.nice["/g/" + a] == 0);
  fs.fail_nice = EIO;
  pool.release(g, b, 7);
  CHECK_FALSE(fs.dirs.count("/g/" + b));
}

TEST_CASE_METHOD(PoolFixture, "a group keeps at most kMaxSpareLeaves spares", "[leaf_pool]") {
  std::vector<std::string> names(cgnames::kMaxSpareLeaves + 3);
  for (auto& n : names) REQUIRE(pool.take(g, "", &n) == 0);
  for (const auto& n : names) pool.release(g, n, 0);
  CHECK(pool.leaf_names(g).size() == cgnames::kMaxSpareLeaves);
  pool.drop_spares();
  CHECK(pool.leaf_names(g).empty());
  CHECK(fs.dirs == std::set<std::string>{"/g"});
}

TEST_CASE_METHOD(PoolFixture, "a leaf a child was forked into passes to the child",
                 "[leaf_pool]") {
  std::string a;
  REQUIRE(pool.take(g, "", &a) == 0);
  fs.pids["/g/" + a] = {4242, 4243};
  auto heir = pool.release(g, a, 0);
  REQUIRE(heir);
  CHECK(*heir == 4242);
  CHECK(fs.dirs.count("/g/" + a));
  std::string b;
  REQUIRE(pool.take(g, "", &b) == 0);
  CHECK(b != a);  // not a spare: still in use
}

TEST_CASE_METHOD(PoolFixture, "a user directory lives while its user has a leaf in use",
                 "[leaf_pool]") {
  REQUIRE(pool.open_user(g, "user-9000", 3) == 0);
  CHECK(fs.nice["/g/user-9000"] == 3);
  std::string a, b;
  REQUIRE(pool.take(g, "user-9000", &a) == 0);
  REQUIRE(pool.take(g, "user-9000", &b) == 0);
  CHECK(a == "user-9000/proc-0");
  CHECK(pool.groups_with_user("user-9000") == std::vector<GroupPath>{g});
  pool.release(g, a, 0);
  CHECK(fs.dirs.count("/g/user-9000"));
  pool.release(g, b, 0);
  CHECK_FALSE(fs.dirs.count("/g/user-9000"));
  CHECK_FALSE(fs.dirs.count("/g/user-9000/proc-0"));
  CHECK(pool.groups_with_user("user-9000").empty());
}

TEST_CASE_METHOD(PoolFixture, "a failed take changes nothing and returns the errno",
                 "[leaf_pool]") {
  REQUIRE(pool.open_user(g, "user-9000", 0) == 0);
  fs.fail_make = ENOSPC;
  std::string a = "unchanged";
  CHECK(pool.take(g, "user-9000", &a) == ENOSPC);
  CHECK(a == "unchanged");
  // The user directory opened for it has no member: it is gone again.
  CHECK(fs.dirs == std::set<std::string>{"/g"});
  fs.fail_make = 0;
  fs.fail_nice = EINVAL;
  CHECK(pool.open_user(g, "user-9001", 1) == EINVAL);
  CHECK(fs.dirs == std::set<std::string>{"/g"});
}

TEST_CASE_METHOD(PoolFixture, "leaves found at start are adopted; numbering goes on after them",
                 "[leaf_pool]") {
  fs.dirs.insert("/g/proc-7");
  fs.dirs.insert("/g/proc-3");
  fs.dirs.insert("/g/user-5/proc-9");
  fs.dirs.insert("/g/user-5");
  pool.adopt(g, "proc-7", true);
  pool.adopt(g, "proc-3", false);       // empty: a spare
  pool.adopt(g, "user-5/proc-9", true);  // the user directory counts it
  std::string a, b;
  REQUIRE(pool.take(g, "", &a) == 0);
  CHECK(a == "proc-3");
  REQUIRE(pool.take(g, "", &b) == 0);
  CHECK(b == "proc-10");
  pool.close_unused_users();
  CHECK(fs.dirs.count("/g/user-5"));
  pool.remove_all(g);
  CHECK(fs.dirs == std::set<std::string>{"/g"});
}
