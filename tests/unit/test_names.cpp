#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "names.hpp"

using fsched::check_group_name;

TEST_CASE("group names follow the spec's mkdir rules", "[names]") {
  CHECK(check_group_name("guest") == 0);
  CHECK(check_group_name("batch-2.x_y") == 0);
  CHECK(check_group_name("a1") == 0);
  CHECK(check_group_name(std::string(64, 'a')) == 0);

  CHECK(check_group_name("") == EINVAL);
  CHECK(check_group_name("1234") == EINVAL);  // reads as a pid
  CHECK(check_group_name(std::string(65, 'a')) == EINVAL);
  CHECK(check_group_name(".hidden") == EINVAL);
  CHECK(check_group_name(".") == EINVAL);
  CHECK(check_group_name("..") == EINVAL);
  CHECK(check_group_name("a b") == EINVAL);
  CHECK(check_group_name("a/b") == EINVAL);
  CHECK(check_group_name("tab\there") == EINVAL);
  CHECK(check_group_name("nl\n") == EINVAL);
  CHECK(check_group_name("caf\xc3\xa9") == EINVAL);

  for (const char* reserved : {"scheduler", "cpu.weight", "tasks", "stats", "comm"})
    CHECK(check_group_name(reserved) == EEXIST);
}

TEST_CASE("pid names never throw", "[names]") {
  pid_t pid = 0;
  CHECK(fsched::pid_from_name("1234", &pid));
  CHECK(pid == 1234);
  CHECK_FALSE(fsched::pid_from_name("99999999999999999999999", &pid));
  CHECK_FALSE(fsched::pid_from_name("0", &pid));
  CHECK_FALSE(fsched::pid_from_name("12a", &pid));
}
