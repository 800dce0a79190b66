// usernice and user-fair in the model: what a write means, who may make
// it, and what the backend is told.
#include <catch2/catch.hpp>
#include <cerrno>

#include "parse.hpp"
#include "tree_fixture.hpp"

using namespace fsched;
using fsched::test::TreeFixture;

TEST_CASE("usernice takes one UID NICE line", "[parse][usernice]") {
  auto e = parse_usernice("9000 -5\n");
  REQUIRE(e);
  CHECK(e->uid == 9000);
  CHECK(e->nice == -5);
  CHECK(parse_usernice("  0\t19 ")->nice == 19);
  CHECK(parse_usernice("1000 +3")->nice == 3);
  for (const char* bad : {"", "\n", "9000", "9000 ", "x 1", "9000 y", "9000 1 2", "-1 0",
                          "4294967295 0", "9000 1.5", "9000\n-5\n9001 3"})
    CHECK(parse_usernice(bad).error().code == EINVAL);
  for (const char* out : {"9000 20", "9000 -21", "9000 99999999999999999999"})
    CHECK(parse_usernice(out).error().code == ERANGE);
}

TEST_CASE_METHOD(TreeFixture, "only root lowers a usernice level; a user raises their own",
                 "[tree][usernice]") {
  CHECK(tree.set_usernice(9000, -5, user) == EPERM);
  CHECK(tree.set_usernice(9001, 5, user) == EPERM);  // someone else's
  CHECK(tree.usernice().empty());
  REQUIRE(tree.set_usernice(9000, 5, user) == 0);
  CHECK(tree.set_usernice(9000, 4, user) == EPERM);  // back down is lowering
  CHECK(tree.set_usernice(9000, 5, user) == 0);      // unchanged
  REQUIRE(tree.set_usernice(9000, 10, user) == 0);
  CHECK(tree.usernice() == std::map<uid_t, int>{{9000, 10}});
  CHECK(backend.usernice == std::map<uid_t, int>{{9000, 10}});
  REQUIRE(tree.set_usernice(9000, -5, root) == 0);
  REQUIRE(tree.set_usernice(9001, 3, root) == 0);
  CHECK(tree.usernice() == std::map<uid_t, int>{{9000, -5}, {9001, 3}});
  CHECK(tree.set_usernice(9001, 20, root) == ERANGE);
  REQUIRE(tree.set_usernice(9001, 0, root) == 0);  // level 0 is no line
  CHECK(tree.usernice() == std::map<uid_t, int>{{9000, -5}});
}

TEST_CASE_METHOD(TreeFixture, "a failed usernice write changes nothing", "[tree][usernice]") {
  backend.fail_next = EIO;
  CHECK(tree.set_usernice(9000, -5, root) == EIO);
  CHECK(tree.usernice().empty());
  CHECK(backend.usernice.empty());
}

TEST_CASE_METHOD(TreeFixture, "the backend hears of owners: on move and on setuid",
                 "[tree][usernice]") {
  GroupId g = mk(kHostGroup, "fs");
  REQUIRE(tree.set_policy(g, "user-fair", root) == 0);
  spawn(300, 9000);
  REQUIRE(tree.move_process(300, g, root) == 0);
  CHECK(backend.owner.at(300) == 9000);
  tree.process_ids_changed(300, 9001, 9001);
  CHECK(backend.owner.at(300) == 9001);
  CHECK(tree.process(300)->info.uid == 9001);
  // Processes in 0 are the kernel's: the backend is not told.
  spawn(301, 9000);
  tree.process_ids_changed(301, 9001, 9001);
  CHECK(backend.owner.count(301) == 0);
}

TEST_CASE_METHOD(TreeFixture, "usernice levels survive a restart through the backend",
                 "[tree][usernice]") {
  REQUIRE(tree.set_usernice(9000, -5, root) == 0);
  Tree again(backend, [this](pid_t pid) { return pin(pid); });
  again.load({});
  CHECK(again.usernice() == std::map<uid_t, int>{{9000, -5}});
}
