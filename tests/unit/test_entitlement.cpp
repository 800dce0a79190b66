// entitled_pct's arithmetic: weighted max-min fair shares of the CPU time
// the tree used, with what each member wanted as its ceiling.
#include <catch2/catch.hpp>

#include "entitlement.hpp"

using namespace fsched;

namespace {
using Row = EntitlementInput::ProcRow;
Row hog(pid_t pid, GroupId g, double used, uid_t uid = 0, double weight = 1024) {
  // A CPU hog is runnable the whole window: what it did not run, it waited.
  return Row{pid, g, uid, weight, used, 100};
}
EntitlementInput::GroupRow group(GroupId id, GroupId parent, int weight = 100,
                                 bool user_fair = false) {
  GroupSettings s;
  s.weight = weight;
  return {id, parent, group_load(s), user_fair};
}
}  // namespace

TEST_CASE("water filling: weights split, no one above its demand", "[entitlement]") {
  auto got = water_fill(100, {1, 1, 1}, {100, 100, 100});
  CHECK(got[0] == Approx(100.0 / 3));
  // A member that wanted 10 gets 10; the other two split the 90.
  got = water_fill(100, {1, 1, 1}, {10, 100, 100});
  CHECK(got[0] == Approx(10));
  CHECK(got[1] == Approx(45));
  // Weights 3:1, the heavy one capped by its demand.
  got = water_fill(200, {3, 1}, {100, 200});
  CHECK(got[0] == Approx(100));
  CHECK(got[1] == Approx(100));
  // Idle members take nothing.
  got = water_fill(50, {1, 1}, {0, 100});
  CHECK(got[0] == 0);
  CHECK(got[1] == Approx(50));
}

TEST_CASE("the RFC's split: one hog in 0, two in 0/guest -> 50/25/25", "[entitlement]") {
  EntitlementInput in;
  in.groups = {group(kHostGroup, kHostGroup), group(1, kHostGroup)};
  // The scheduler gave 60/20/20: the entitlement is still 50/25/25.
  in.procs = {hog(10, kHostGroup, 60), hog(11, 1, 20), hog(12, 1, 20)};
  auto e = entitle(in);
  CHECK(e.proc_usec[10] == Approx(50));
  CHECK(e.proc_usec[11] == Approx(25));
  CHECK(e.proc_usec[12] == Approx(25));
  CHECK(e.group_usec[1] == Approx(50));
  CHECK(e.group_usec[kHostGroup] == Approx(100));
}

TEST_CASE("nested groups, weights and a member that wanted little", "[entitlement]") {
  EntitlementInput in;
  // 0: hog 10, a (weight 300); a: hog 11, b; b: hogs 12 and 13, sleeper 14.
  in.groups = {group(kHostGroup, kHostGroup), group(1, kHostGroup, 300), group(2, 1)};
  in.procs = {hog(10, kHostGroup, 30), hog(11, 1, 30), hog(12, 2, 17), hog(13, 2, 17),
              Row{14, 2, 0, 1024, 6, 6}};
  auto e = entitle(in);
  // 100 used: 0 splits 25/75; a splits 37.5/37.5; b: 6 to the sleeper, the
  // hogs 15.75 each.
  CHECK(e.proc_usec[10] == Approx(25));
  CHECK(e.group_usec[1] == Approx(75));
  CHECK(e.proc_usec[11] == Approx(37.5));
  CHECK(e.group_usec[2] == Approx(37.5));
  CHECK(e.proc_usec[14] == Approx(6));
  CHECK(e.proc_usec[12] == Approx(15.75));
}

TEST_CASE("user-fair: users first, usernice weighs them", "[entitlement]") {
  EntitlementInput in;
  in.groups = {group(kHostGroup, kHostGroup), group(1, kHostGroup, 100, true)};
  in.procs = {hog(1, 1, 20, 9000), hog(2, 1, 20, 9000), hog(3, 1, 20, 9000),
              hog(4, 1, 20, 9001), hog(5, 1, 20, 9001)};
  auto e = entitle(in);
  CHECK(e.proc_usec[1] + e.proc_usec[2] + e.proc_usec[3] == Approx(50));
  CHECK(e.proc_usec[4] == Approx(25));
  in.user_weight[9000] = 3121;  // usernice -5
  e = entitle(in);
  CHECK(e.proc_usec[1] + e.proc_usec[2] + e.proc_usec[3] == Approx(100.0 * 3121 / 4145));
}

TEST_CASE("an idle group is entitled to what its busy siblings leave", "[entitlement]") {
  EntitlementInput in;
  GroupSettings idle;
  idle.policy = Policy::idle;
  in.groups = {group(kHostGroup, kHostGroup), {1, kHostGroup, group_load(idle), false}};
  in.procs = {hog(10, kHostGroup, 99), hog(11, 1, 1)};
  auto e = entitle(in);
  CHECK(e.proc_usec[11] == Approx(100.0 * 3 / 1027));
  // The busy sibling sleeps half the time: the idle group may have the rest.
  in.procs = {Row{10, kHostGroup, 0, 1024, 50, 50}, hog(11, 1, 50)};
  e = entitle(in);
  CHECK(e.proc_usec[11] == Approx(50));
}
