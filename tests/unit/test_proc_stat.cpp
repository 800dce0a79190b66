#include <unistd.h>
#include <catch2/catch.hpp>

#include "proc_stat.hpp"

using namespace fsched;

TEST_CASE("/proc/pid/stat with a hostile comm", "[proc]") {
  const char* text =
      "4242 (a) (b c)) R 1 4242 4242 0 -1 4194560 100 0 0 0 250 30 5 6 20 -3 4 0 987654 "
      "1000 100 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
  auto st = parse_proc_stat(text);
  REQUIRE(st);
  CHECK(st->pid == 4242);
  CHECK(st->comm == "a) (b c)");
  CHECK(st->state == 'R');
  CHECK(st->ppid == 1);
  CHECK(st->utime_ticks == 250);
  CHECK(st->stime_ticks == 30);
  CHECK(st->nice == -3);
  CHECK(st->num_threads == 4);
  CHECK(st->start_time == 987654);
  CHECK_FALSE(st->kernel_thread());
}

TEST_CASE("kernel threads are told apart by PF_KTHREAD", "[proc]") {
  auto st = parse_proc_stat(
      "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0 "
      "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 1 0 0 0 0 0\n");
  REQUIRE(st);
  CHECK(st->kernel_thread());
}

TEST_CASE("malformed stat is refused", "[proc]") {
  CHECK_FALSE(parse_proc_stat(""));
  CHECK_FALSE(parse_proc_stat("12 (x"));
  CHECK_FALSE(parse_proc_stat("12 (x) R 1 2"));
}

TEST_CASE("our own /proc entry parses", "[proc]") {
  auto st = read_proc_stat(getpid());
  REQUIRE(st);
  CHECK(st->pid == getpid());
  auto ids = read_proc_ids(getpid());
  REQUIRE(ids);
  CHECK(ids->uid == getuid());
}

TEST_CASE("status Uid/Gid give the real ids", "[proc]") {
  auto ids = parse_proc_ids("Name:\tx\nUid:\t9000\t0\t0\t0\nGid:\t9001\t0\t0\t0\n");
  REQUIRE(ids);
  CHECK(ids->uid == 9000);
  CHECK(ids->gid == 9001);
  CHECK_FALSE(parse_proc_ids("Name:\tx\n"));
}
