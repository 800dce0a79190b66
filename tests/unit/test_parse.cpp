#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "parse.hpp"

using namespace fsched;

TEST_CASE("cpu.weight accepts what echo writes", "[parse]") {
  CHECK(*parse_weight("100\n") == 100);
  CHECK(*parse_weight("1") == 1);
  CHECK(*parse_weight("10000") == 10000);
  CHECK(*parse_weight("  250 \n") == 250);
  CHECK(*parse_weight("+7") == 7);
}

TEST_CASE("cpu.weight: EINVAL for non-integers, ERANGE outside 1..10000", "[parse]") {
  for (const char* bad : {"", "\n", "abc", "1.5", "10x", "0x10", "1 2", "--1"})
    CHECK(parse_weight(bad).error().code == EINVAL);
  for (const char* out : {"0", "-1", "10001", "99999999999999999999999"})
    CHECK(parse_weight(out).error().code == ERANGE);
  CHECK(parse_weight(std::string(1 << 20, '1')).error().code == EINVAL);
}

TEST_CASE("tasks takes one positive pid", "[parse]") {
  CHECK(*parse_pid("1234\n") == 1234);
  for (const char* bad : {"", "0", "-5", "12 13", "12\n13\n", "pid", "4294967296"})
    CHECK(parse_pid(bad).error().code == EINVAL);
}

TEST_CASE("scheduler takes one name", "[parse]") {
  CHECK(*parse_policy_name("fair\n") == "fair");
  CHECK(*parse_policy_name("user-fair") == "user-fair");
  CHECK(parse_policy_name("").error().code == EINVAL);
  CHECK(parse_policy_name("fair idle").error().code == EINVAL);
  CHECK(parse_policy_name("\x01").error().code == EINVAL);
}
