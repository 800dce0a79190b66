// fsched's machine-readable output from synthetic samples: top's JSON is
// the text's rows, stats values keep their types, metrics follow the
// OpenMetrics text format, and plot reads records back.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli_error.hpp"
#include "metrics.hpp"
#include "plot_cmd.hpp"
#include "plot_data.hpp"
#include "stats_cmd.hpp"
#include "top_json.hpp"
#include "top_text.hpp"

using namespace fsched::cli;
using nlohmann::json;

namespace {
ProcSample proc(pid_t pid, uid_t uid, std::uint64_t usec, std::optional<double> entitled) {
  ProcSample p;
  p.pid = pid;
  p.uid = uid;
  p.comm = "piglet";
  p.usage_usec = usec;
  p.user_usec = usec;
  p.cpu_pct = usec / 20000.0;
  p.entitled_pct = entitled;
  return p;
}

// 0/fs as `fair` runs it: 3 hogs of 9000, 2 of 9001, 60/40 over 2 s,
// while user-fair weights would entitle each user to 50.
std::pair<Sample, Sample> fair_run(bool with_entitled) {
  auto e = [&](double v) { return with_entitled ? std::optional<double>(v) : std::nullopt; };
  Sample a, b;
  a.when_sec = 10;
  b.when_sec = 12;
  b.wall_sec = 1700000000.25;
  a.groups = {
      GroupSample{"0", "fair", 100, {proc(1, 0, 0, e(0))}, {}},
      GroupSample{"0/fs",
                  "user-fair",
                  100,
                  {proc(10, 9000, 0, e(0)), proc(11, 9000, 0, e(0)), proc(12, 9000, 0, e(0)),
                   proc(20, 9001, 0, e(0)), proc(21, 9001, 0, e(0))},
                  {}}};
  b.groups = {GroupSample{"0", "fair", 100, {proc(1, 0, 2'000, e(0.1))}, {}},
              GroupSample{"0/fs",
                          "user-fair",
                          100,
                          {proc(10, 9000, 400'000, e(16.67)), proc(11, 9000, 400'000, e(16.67)),
                           proc(12, 9000, 400'000, e(16.66)), proc(20, 9001, 400'000, e(25)),
                           proc(21, 9001, 400'000, e(25))},
                          {}}};
  b.usernice[9001] = 2;
  return {a, b};
}

// The numbers on a text line, in order ("20.0% ( 20.0%, 0.0%) 16.7%").
std::vector<double> numbers_on(const std::string& line, const std::string& label) {
  std::vector<double> out;
  std::string rest = line.substr(line.find(label) + label.size());
  std::regex number("([0-9]+\\.[0-9])%");
  for (std::sregex_iterator it(rest.begin(), rest.end(), number), end; it != end; ++it)
    out.push_back(std::stod((*it)[1]));
  return out;
}

std::string one_decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}
}  // namespace

TEST_CASE("top --json holds the text's rows: groups, users, processes", "[cli][json]") {
  auto [a, b] = fair_run(true);
  auto rows = make_report(a, b, {}, default_user_name);
  ReportHead head{"/run/sched-groups", b.wall_sec, 2, b.when_sec - a.when_sec, false};
  const json doc = json::parse(report_json(head, rows).dump());
  const auto lines = report_lines(rows, false);

  CHECK(doc["mode"] == "real");
  CHECK(doc["time"].get<double>() == Approx(1700000000.25));
  CHECK(doc["elapsed"].get<double>() == Approx(2));
  REQUIRE(doc["groups"].size() == 2);
  const json& fs = doc["groups"][1];
  CHECK(fs["path"] == "0/fs");
  CHECK(fs["scheduler"] == "user-fair");
  CHECK(fs["weight"] == 100);
  CHECK(fs["cpu_pct"].get<double>() == Approx(100));
  CHECK(fs["entitled_pct"].get<double>() == Approx(100));
  REQUIRE(fs["users"].size() == 2);
  CHECK(fs["users"][0]["uid"] == 9000);
  CHECK(fs["users"][0]["name"] == "User 9000");
  CHECK(fs["users"][0]["usernice"] == 0);
  CHECK(fs["users"][1]["usernice"] == 2);
  CHECK(fs["users"][0]["cpu_pct"].get<double>() == Approx(60));
  CHECK(fs["users"][0]["entitled_pct"].get<double>() == Approx(50));
  CHECK(fs["users"][0]["off_entitlement"] == true);
  CHECK(fs["users"][1]["processes"][0]["pid"] == 20);
  CHECK(fs["users"][1]["processes"][0]["comm"] == "piglet");
  CHECK(fs["users"][1]["processes"][0]["off_entitlement"] == true);  // 20 vs 25

  // Every row's numbers, as the text prints them, are the JSON's.
  std::vector<const json*> flat;
  for (const auto& g : doc["groups"]) {
    flat.push_back(&g);
    for (const auto& u : g["users"]) {
      flat.push_back(&u);
      for (const auto& p : u["processes"]) flat.push_back(&p);
    }
  }
  REQUIRE(flat.size() == rows.size());
  REQUIRE(lines.size() == rows.size() + 2);  // the header, the rows, the legend
  CHECK(lines[0].find("ENTITLED") != std::string::npos);
  CHECK(lines.back() ==
        "! 5 points and 10 % or more off ENTITLED, the weights' share given who was busy");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string& line = lines[i + 1];
    const json& j = *flat[i];
    INFO(line);
    CHECK(line.find(row_text_label(rows[i])) == 0);
    auto shown = numbers_on(line, row_text_label(rows[i]));
    REQUIRE(shown.size() == 4);
    CHECK(one_decimal(shown[0]) == one_decimal(j["cpu_pct"].get<double>()));
    CHECK(one_decimal(shown[1]) == one_decimal(j["user_pct"].get<double>()));
    CHECK(one_decimal(shown[2]) == one_decimal(j["system_pct"].get<double>()));
    CHECK(one_decimal(shown[3]) == one_decimal(j["entitled_pct"].get<double>()));
    CHECK((line.back() == '!') == j["off_entitlement"].get<bool>());
  }
}

TEST_CASE("top flags a row 5 points and a tenth of its entitlement off", "[cli][json]") {
  ReportRow r;
  CHECK_FALSE(off_entitlement(r));  // no entitlement: nothing to be off
  r.entitled = 50;
  r.pct.total = 55.1;
  CHECK(off_entitlement(r));
  r.pct.total = 45.5;
  CHECK_FALSE(off_entitlement(r));
  r.entitled = 190;
  r.pct.total = 200;  // 10 points, but 5 % of two CPUs
  CHECK_FALSE(off_entitlement(r));
  r.pct.total = 170;
  CHECK(off_entitlement(r));
}

TEST_CASE("top without the daemon's entitled_pct: null in JSON, no column in text", "[cli][json]") {
  auto [a, b] = fair_run(false);
  auto rows = make_report(a, b, {}, default_user_name);
  for (const auto& r : rows) CHECK_FALSE(r.entitled);
  const json doc = report_json({"/m", 0, 2, 2, false}, rows);
  CHECK(doc["groups"][1]["entitled_pct"].is_null());
  CHECK(doc["groups"][1]["users"][0]["processes"][0]["entitled_pct"].is_null());
  CHECK(doc["groups"][1]["users"][0]["off_entitlement"] == false);
  const auto lines = report_lines(rows, false);
  CHECK(lines[0].find("ENTITLED") == std::string::npos);
  CHECK(lines.size() == rows.size() + 1);
}

TEST_CASE("top in CPU-time mode scales entitlements to the CPU entitled in all", "[cli][json]") {
  auto [a, b] = fair_run(true);
  ReportOptions cpu;
  cpu.cpu_time = true;
  auto rows = make_report(a, b, cpu, default_user_name);
  const json doc = report_json({"/m", 0, 2, 2, true}, rows);
  CHECK(doc["mode"] == "cpu");
  const json& u = doc["groups"][1]["users"][0];
  CHECK(u["cpu_pct"].get<double>() == Approx(100.0 * 1.2 / 2.002).epsilon(1e-3));
  CHECK(u["entitled_pct"].get<double>() == Approx(100.0 * 50 / 100.1).epsilon(1e-3));
}

TEST_CASE("stats values keep their types; unknown keys pass through", "[cli][json]") {
  CHECK(stat_value_json("12").is_number_integer());
  CHECK(stat_value_json("12") == 12);
  CHECK(stat_value_json("-3") == -3);
  CHECK(stat_value_json("18446744073709551615").is_number_unsigned());
  CHECK(stat_value_json("0.00").is_number_float());
  CHECK(stat_value_json("25.50").get<double>() == 25.5);
  CHECK(stat_value_json("1e3").is_number_float());
  CHECK(stat_value_json("fair") == "fair");
  CHECK(stat_value_json("nan") == "nan");
  CHECK(stat_value_json("") == "");

  StatLines lines = parse_stat_lines("usage_usec 5\ncpu_pct 1.50\nnew_key some words\n");
  const json j = json::parse(stats_json("0/fs", lines).dump());
  CHECK(j["path"] == "0/fs");
  CHECK(j["usage_usec"] == 5);
  CHECK(j["cpu_pct"].get<double>() == 1.5);
  CHECK(j["new_key"] == "some words");
  CHECK(j["entitled_pct"].is_null());
  CHECK(stats_text("0/fs", lines, true) ==
        "0/fs usage_usec 5\n0/fs cpu_pct 1.50\n0/fs new_key some words\n");
  CHECK(stats_text("0/fs", lines, false) == "usage_usec 5\ncpu_pct 1.50\nnew_key some words\n");
}

TEST_CASE("stats PATH: relative to the mount or absolute inside it", "[cli][json]") {
  CHECK(tree_path("/run/sg", "0/fs") == "0/fs");
  CHECK(tree_path("/run/sg", "0/fs/") == "0/fs");
  CHECK(tree_path("/run/sg", "0/fs/1234/stats") == "0/fs/1234");
  CHECK(tree_path("/run/sg", "/run/sg/0/fs/1234") == "0/fs/1234");
  CHECK(tree_path("/run/sg/", "/run/sg/0") == "0");
  CHECK_THROWS_AS(tree_path("/run/sg", "/etc/passwd"), CliError);
  CHECK_THROWS_AS(tree_path("/run/sg", "0/../.."), CliError);
  CHECK_THROWS_AS(tree_path("/run/sg", "schedulers"), CliError);
  CHECK_THROWS_AS(tree_path("/run/sg", "/run/sg"), CliError);
}
