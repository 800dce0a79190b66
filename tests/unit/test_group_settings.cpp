#include <catch2/catch.hpp>

#include "group_settings.hpp"

using namespace fsched;

TEST_CASE("group settings survive their text form", "[settings]") {
  GroupSettings s;
  s.weight = 250;
  s.policy = "idle";
  s.uid = 9000;
  s.gid = 9001;
  s.mode = 01750;
  auto back = parse_settings(format_settings(s));
  REQUIRE(back);
  CHECK(back->weight == 250);
  CHECK(back->policy == "idle");
  CHECK(back->uid == 9000);
  CHECK(back->gid == 9001);
  CHECK(back->mode == 01750);
}

TEST_CASE("unknown keys are skipped, garbage is refused", "[settings]") {
  CHECK(parse_settings("weight=7 future=x")->weight == 7);
  CHECK_FALSE(parse_settings("weight=0"));
  CHECK_FALSE(parse_settings("weight=abc"));
  CHECK_FALSE(parse_settings("mode=99"));
}
