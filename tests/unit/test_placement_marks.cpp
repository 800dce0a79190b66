// Placement marks across a restart (placement_marks.hpp): what is saved,
// what a start takes back, and what it refuses.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "marks_keeper.hpp"
#include "placement_marks.hpp"
#include "placer_fixture.hpp"
#include "proc_stat.hpp"

using namespace fsched;
using namespace fsched::test;

namespace {
constexpr std::string_view kBoot = "4f0c1b1e-0000-4000-8000-000000000001";
}

TEST_CASE("marks file names are the mount point escaped as systemd does", "[marks]") {
  CHECK(marks_file_name("/run/sched-groups") == "run-sched\\x2dgroups.placements");
  CHECK(marks_file_name("/proc/sched-groups") == "proc-sched\\x2dgroups.placements");
  CHECK(marks_file_name("/tmp/a b//c/") == "tmp-a\\x20b-c.placements");
  CHECK(marks_file_name("/") == "-.placements");
}

TEST_CASE_METHOD(PlacerFixture, "only the marks a restart would guess wrong are saved", "[marks]") {
  GroupId g = mk(kHostGroup, "g");
  for (pid_t pid : {200, 201, 202, 203}) {
    outside[pid] = info(pid, 1000);
    tree.process_appeared(outside[pid], kHostGroup);
  }
  REQUIRE(tree.place_process(200, outside[200].start_time, g) == 0);  // a rule's, in g
  REQUIRE(tree.move_process(201, g, root, Placement::hand) == 0);     // by hand, in g
  REQUIRE(tree.move_process(202, g, root, Placement::sticky) == 0);   // by itself, in g
  tree.set_placement(203, Placement::hand);                           // by hand, back in 0
  const std::string text = format_marks(tree, kBoot);
  INFO(text);
  CHECK(text.rfind("fsched placements 1 boot " + std::string(kBoot) + "\n", 0) == 0);
  CHECK(text.find("\n200 1200 rule\n") != std::string::npos);
  CHECK(text.find("201 ") == std::string::npos);
  CHECK(text.find("\n202 1202 sticky\n") != std::string::npos);
  CHECK(text.find("\n203 1203 hand\n") != std::string::npos);
  CHECK(text.find("\n100 ") == std::string::npos);  // in 0, the rules': as a start guesses

  auto back = parse_marks(text, kBoot);
  CHECK(back.size() == 3);
  CHECK(back.at(202).start_time == 1202);
  CHECK(back.at(202).how == Placement::sticky);
}

TEST_CASE("marks from another boot, or bad lines, are not taken", "[marks]") {
  const std::string head = "fsched placements 1 boot " + std::string(kBoot) + "\n";
  CHECK(parse_marks(head + "7 1007 hand\n", "another-boot").empty());
  CHECK(parse_marks(head + "7 1007 hand\n", "").empty());
  CHECK(parse_marks("7 1007 hand\n", kBoot).empty());
  auto m = parse_marks(head +
                           "7 1007 hand\n8 x sticky\n9 1009 nobody\n10 1010\n"
                           "-1 5 rule\n11 1011 rule extra\n12 1012 sticky\n",
                       kBoot);
  CHECK(m.size() == 2);
  CHECK(m.count(7) == 1);
  CHECK(m.count(12) == 1);
}

TEST_CASE_METHOD(PlacerFixture, "a start takes saved marks back for the same processes only",
                 "[marks]") {
  GroupId g = mk(kHostGroup, "g");
  // What a restarted daemon finds: 200..202 in g, 203 in 0.
  for (pid_t pid : {200, 201, 202}) {
    outside[pid] = info(pid, 1000);
    tree.process_appeared(outside[pid], g);
  }
  outside[203] = info(203, 1000);
  tree.process_appeared(outside[203], kHostGroup);
  SavedMarks saved;
  saved[200] = {1200, Placement::rule};    // a rule put it there
  saved[201] = {1201, Placement::sticky};  // it placed itself
  saved[202] = {999, Placement::sticky};   // another process had the pid
  saved[203] = {1203, Placement::hand};    // moved back to 0 by hand
  placer.adopt_existing(saved);
  CHECK(placement_of(200) == Placement::rule);
  CHECK(placement_of(201) == Placement::sticky);
  CHECK(placement_of(202) == Placement::hand);  // the guess, as without a file
  CHECK(placement_of(203) == Placement::hand);
  CHECK(placement_of(100) == Placement::rule);
  // The rules then move what is theirs: 200 and the untouched 100.
  placer.set_rules(rules("uid=1000 0/a\n"));
  CHECK(group_of(200) == at({"a"}));
  CHECK(group_of(201) == g);
  CHECK(group_of(202) == g);
  CHECK(group_of(203) == kHostGroup);
}

TEST_CASE_METHOD(PlacerFixture, "save and take: the file is written whole, read once", "[marks]") {
  char tmpl[] = "/tmp/fsched-marks-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string dir = std::string(tmpl) + "/state";  // made by the save
  const std::string path = dir + "/x.placements";
  GroupId g = mk(kHostGroup, "g");
  outside[200] = info(200, 1000);
  tree.process_appeared(outside[200], kHostGroup);
  REQUIRE(tree.move_process(200, g, root, Placement::sticky) == 0);
  REQUIRE(save_marks(path, tree));
  CHECK(::access(path.c_str(), F_OK) == 0);
  CHECK(::access((path + ".new").c_str(), F_OK) != 0);
  auto taken = take_marks(path);
  CHECK(taken.size() == 1);  // this boot's id, read from /proc
  CHECK(::access(path.c_str(), F_OK) != 0);
  CHECK(take_marks(path).empty());
  // Nothing to say: no file is left behind.
  REQUIRE(tree.move_process(200, kHostGroup, root, Placement::rule) == 0);
  REQUIRE(save_marks(path, tree));
  CHECK(::access(path.c_str(), F_OK) != 0);
  ::rmdir(dir.c_str());
  ::rmdir(tmpl);
}

TEST_CASE_METHOD(PlacerFixture, "the keeper writes the marks when they change, and only then",
                 "[marks]") {
  char tmpl[] = "/tmp/fsched-marks-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string path = std::string(tmpl) + "/x.placements";
  GroupId g = mk(kHostGroup, "g");
  outside[200] = info(200, 1000);
  outside[201] = info(201, 1000);
  tree.process_appeared(outside[200], kHostGroup);
  tree.process_appeared(outside[201], kHostGroup);
  REQUIRE(tree.move_process(200, g, root, Placement::sticky) == 0);
  MarksKeeper keeper(tree, mu, path);
  auto text = [&] { return read_small_file(path).value_or("(none)"); };

  // The first look writes what there is.
  CHECK(keeper.keep());
  CHECK(text().find("\n200 1200 sticky\n") != std::string::npos);
  // Nothing moved: nothing written, even over a file someone removed.
  ::unlink(path.c_str());
  CHECK_FALSE(keeper.keep());
  // A process born in 0, the rules' as a start guesses: the marks are the
  // same, and so is the file.
  outside[202] = info(202, 1000);
  tree.process_appeared(outside[202], kHostGroup);
  CHECK_FALSE(keeper.keep());
  CHECK(::access(path.c_str(), F_OK) != 0);
  // A move, a placement ended by an exec, an exit: each is written.
  REQUIRE(tree.move_process(201, g, root, Placement::sticky) == 0);
  CHECK(keeper.keep());
  CHECK(text().find("\n201 1201 sticky\n") != std::string::npos);
  tree.set_placement(201, Placement::rule);
  CHECK(keeper.keep());
  CHECK(text().find("\n201 1201 rule\n") != std::string::npos);
  tree.process_gone(200);
  CHECK(keeper.keep());
  CHECK(text().find("\n200 ") == std::string::npos);
  // Back to what a start guesses: the file goes.
  REQUIRE(tree.move_process(201, kHostGroup, root, Placement::rule) == 0);
  CHECK(keeper.keep());
  CHECK(::access(path.c_str(), F_OK) != 0);

  // Its thread: a look at once, then one a period.
  REQUIRE(tree.move_process(201, g, root, Placement::sticky) == 0);
  MarksKeeper ticking(tree, mu, path, std::chrono::milliseconds(20));
  ticking.start();
  for (int i = 0; i < 200 && ::access(path.c_str(), F_OK) != 0; ++i) ::usleep(5000);
  CHECK(text().find("\n201 1201 sticky\n") != std::string::npos);
  {
    std::unique_lock lock(mu);
    REQUIRE(tree.move_process(201, kHostGroup, root, Placement::hand) == 0);
  }
  for (int i = 0; i < 200 && text().find("\n201 1201 hand\n") == std::string::npos; ++i)
    ::usleep(5000);
  CHECK(text().find("\n201 1201 hand\n") != std::string::npos);
  ticking.stop();
  ::unlink(path.c_str());
  ::rmdir(tmpl);
}
