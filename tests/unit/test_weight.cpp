#include <catch2/catch.hpp>

#include "weight.hpp"

using namespace fsched;

TEST_CASE("nice levels weigh as CFS weighs them", "[weight]") {
  CHECK(nice_to_load(0) == 1024);
  CHECK(nice_to_load(-20) == 88761);
  CHECK(nice_to_load(19) == 15);
  CHECK(nice_to_load(-5) == 3121);
  CHECK(nice_to_load(5) == 335);
  CHECK(nice_to_load(40) == 15);  // clamped
  for (int n = -20; n < 19; ++n) CHECK(nice_to_load(n) > nice_to_load(n + 1));
}

TEST_CASE("cpu.weight <-> v1 cpu.shares round-trips over the whole range", "[weight]") {
  CHECK(weight_to_shares(100) == 1024);
  CHECK(weight_to_shares(1) == 10);
  CHECK(weight_to_shares(10000) == 102400);
  for (int w = 1; w <= 10000; ++w) REQUIRE(shares_to_weight(weight_to_shares(w)) == w);
  CHECK(shares_to_weight(2) == 1);
  CHECK(shares_to_weight(262144) == 10000);
}

TEST_CASE("CFS load maps to cgroup v2 cpu.weight", "[weight]") {
  CHECK(load_to_weight(1024) == 100);
  CHECK(load_to_weight(15) == 1);
  CHECK(load_to_weight(88761) == 8668);
}
