// Guest objects read without the kernel (bpf/guest_object.hpp): what a
// load checks before the verifier runs, and knobs set by patching the ELF.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "guest_object.hpp"

using namespace fsched;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::uint64_t knob(const scx::GuestObject& g, const std::string& name) {
  for (const auto& [k, v] : g.knobs)
    if (k == name) return v;
  return ~0ull;
}
}  // namespace

TEST_CASE("a guest object says what it is", "[guests]") {
  std::string rr = slurp(FSCHED_TEST_GUESTS "/rr.bpf.o");
  REQUIRE(!rr.empty());
  auto info = scx::inspect_guest(rr);
  REQUIRE(info);
  CHECK(info->ops_name == "rr");
  CHECK(knob(*info, "slice_us") == 5000);

  auto fair = scx::inspect_guest(slurp(FSCHED_TEST_GUESTS "/fair.bpf.o"));
  REQUIRE(fair);
  CHECK(fair->ops_name == "fair_guest");
}

TEST_CASE("a knob is set by patching the object", "[guests]") {
  std::string prio = slurp(FSCHED_TEST_GUESTS "/prio.bpf.o");
  auto patched = scx::set_guest_knob(prio, "step_ms", 250);
  REQUIRE(patched);
  CHECK(patched->size() == prio.size());
  auto info = scx::inspect_guest(*patched);
  REQUIRE(info);
  CHECK(knob(*info, "step_ms") == 250);
  CHECK(knob(*info, "slice_us") == 5000);
  auto unknown = scx::set_guest_knob(prio, "nosuch", 1);
  REQUIRE(!unknown);
  CHECK(unknown.error().code == EINVAL);
}

TEST_CASE("what is not a guest is refused with a reason", "[guests]") {
  auto text = scx::inspect_guest("just some text");
  REQUIRE(!text);
  CHECK(text.error().code == EINVAL);
  CHECK(text.error().message.find("not an ELF") != std::string::npos);
  // fsched's own root scheduler in its cpu form.
  auto cpu_form = scx::inspect_guest(slurp(FSCHED_TEST_BPF "/fsched_scx.bpf.o"));
  REQUIRE(!cpu_form);
  CHECK(cpu_form.error().code == EINVAL);
  CHECK(cpu_form.error().message.find("cid-form") != std::string::npos);
}
