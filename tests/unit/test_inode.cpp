#include <catch2/catch.hpp>

#include "inode.hpp"

using namespace fsched;

TEST_CASE("inode numbers round-trip and never collide with the root", "[inode]") {
  Node nodes[] = {
      {NodeKind::root, 0, 0},
      {NodeKind::schedulers_dir, 0, 0},
      {NodeKind::scheduler_file, 0, 1},
      {NodeKind::group_dir, 0, 0},
      {NodeKind::group_dir, 4000000000u, 0},
      {NodeKind::group_file, 7, static_cast<std::uint8_t>(GroupFile::stats)},
      {NodeKind::pid_dir, 4194304, 0},
      {NodeKind::pid_file, 1, static_cast<std::uint8_t>(PidFile::comm)},
  };
  for (const auto& n : nodes) {
    Node back;
    REQUIRE(decode(encode(n), &back));
    CHECK(back == n);
    if (n.kind != NodeKind::root) CHECK(encode(n) != 1);
  }
  Node junk;
  CHECK_FALSE(decode(0, &junk));
  CHECK_FALSE(decode(0xff00000000000000ull, &junk));
  CHECK_FALSE(decode(encode({NodeKind::group_file, 1, 0}) | 0x7f, &junk));
}

TEST_CASE("file names map both ways", "[inode]") {
  GroupFile g;
  REQUIRE(group_file_from_name("cpu.weight", &g));
  CHECK(group_file_name(g) == "cpu.weight");
  CHECK_FALSE(group_file_from_name("cpu.shares", &g));
  PidFile p;
  REQUIRE(pid_file_from_name("comm", &p));
  CHECK(pid_file_name(p) == "comm");
}
