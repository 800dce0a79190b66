// fsched metrics and plot from synthetic samples: the OpenMetrics text
// format line by line (and by prometheus_client's parser where it is
// installed), the textfile written whole, records read back for gnuplot.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "cli_error.hpp"
#include "metrics.hpp"
#include "plot_cmd.hpp"
#include "plot_data.hpp"
#include "top_json.hpp"

using namespace fsched::cli;

namespace {
Sample metrics_sample(bool with_entitled) {
  Sample s;
  auto proc = [&](pid_t pid, uid_t uid, double pct) {
    ProcSample p;
    p.pid = pid;
    p.uid = uid;
    p.cpu_pct = pct;
    if (with_entitled) p.entitled_pct = 50.0 / 3;
    return p;
  };
  GroupSample host{"0", "fair", 100, {proc(1, 0, 0.5)}, {}};
  host.stats = {{"usage_usec", "123456789"}, {"user_usec", "100000000"},
                {"system_usec", "23456789"}, {"cpu_pct", "101.50"},
                {"nr_tasks", "1"},           {"weight", "100"}};
  GroupSample fs{
      "0/fs", "user-fair", 200, {proc(10, 9000, 20), proc(11, 9000, 20), proc(20, 9001, 50)}, {}};
  fs.stats = {{"usage_usec", "2500000"}, {"user_usec", "2400000"}, {"system_usec", "100000"},
              {"cpu_pct", "90.00"},      {"nr_tasks", "3"},        {"weight", "200"},
              {"nr_periods", "7"},       {"nr_throttled", "2"},    {"throttled_usec", "1500"}};
  if (with_entitled) {
    host.stats.emplace_back("entitled_pct", "10.00");
    fs.stats.emplace_back("entitled_pct", "100.00");
  }
  s.groups = {host, fs};
  s.usernice[9001] = -5;
  return s;
}

// The OpenMetrics text format as far as this exposition uses it: every
// family's HELP and TYPE first, then its samples together, counters'
// samples ending in _total; label values quoted; # EOF last.
void check_openmetrics_lines(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  REQUIRE(!lines.empty());
  CHECK(lines.back() == "# EOF");
  CHECK(text.back() == '\n');
  const std::regex help("# HELP (fsched_[a-z_]+) .+");
  const std::regex type("# TYPE (fsched_[a-z_]+) (counter|gauge)");
  const std::regex sample(
      "(fsched_[a-z_]+)\\{[a-z_]+=\"[^\"\\\\]*\"(,[a-z_]+=\"[^\"\\\\]*\")*\\} "
      "-?[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?");
  std::string family, kind;
  std::set<std::string> seen;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    const std::string& l = lines[i];
    INFO(l);
    std::smatch m;
    if (std::regex_match(l, m, help)) {
      family = m[1];
      CHECK(seen.insert(family).second);  // one block per family
      REQUIRE(i + 1 < lines.size());
      REQUIRE(std::regex_match(lines[i + 1], m, type));
      CHECK(m[1] == family);
      kind = m[2];
      ++i;
    } else {
      REQUIRE(std::regex_match(l, m, sample));
      CHECK(m[1] == (kind == "counter" ? family + "_total" : family));
      CHECK(l.find("pid=") == std::string::npos);
    }
  }
}

std::string python_with_prometheus() {
  for (const char* py : {"/usr/bin/python3", "python3"}) {
    std::string cmd = std::string(py) + " -c 'import prometheus_client' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return py;
  }
  return "";
}
}  // namespace

TEST_CASE("metrics: OpenMetrics text in base units, per group and per user", "[cli][metrics]") {
  const std::string text = render_metrics(metrics_sample(true));
  check_openmetrics_lines(text);
  auto has = [&](const std::string& line) { return text.find(line + "\n") != std::string::npos; };
  CHECK(has("# TYPE fsched_group_cpu_usage_seconds counter"));
  CHECK(has("fsched_group_cpu_usage_seconds_total{group=\"0\"} 123.456789"));
  CHECK(has("fsched_group_cpu_user_seconds_total{group=\"0/fs\"} 2.400000"));
  CHECK(has("fsched_group_cpu_system_seconds_total{group=\"0/fs\"} 0.100000"));
  CHECK(has("fsched_group_cpu_ratio{group=\"0\"} 1.015"));
  CHECK(has("fsched_group_cpu_ratio{group=\"0/fs\"} 0.9"));
  CHECK(has("fsched_group_cpu_entitled_ratio{group=\"0/fs\"} 1"));
  CHECK(has("fsched_group_weight{group=\"0/fs\"} 200"));
  CHECK(has("fsched_group_tasks{group=\"0/fs\"} 3"));
  CHECK(has("fsched_group_scheduler{group=\"0/fs\",scheduler=\"user-fair\"} 1"));
  CHECK(has("fsched_group_cpu_throttled_periods_total{group=\"0/fs\"} 2"));
  CHECK(has("fsched_group_cpu_throttled_seconds_total{group=\"0/fs\"} 0.001500"));
  CHECK(has("fsched_user_cpu_ratio{group=\"0/fs\",uid=\"9000\"} 0.4"));
  CHECK(has("fsched_user_cpu_ratio{group=\"0/fs\",uid=\"9001\"} 0.5"));
  CHECK(has("fsched_user_cpu_entitled_ratio{group=\"0/fs\",uid=\"9000\"} 0.333333"));
  CHECK(has("fsched_user_processes{group=\"0/fs\",uid=\"9000\"} 2"));
  CHECK(has("fsched_usernice{uid=\"9001\"} -5"));

  const std::string without = render_metrics(metrics_sample(false));
  check_openmetrics_lines(without);
  CHECK(without.find("entitled") == std::string::npos);

  const std::string py = python_with_prometheus();
  if (py.empty()) {
    WARN("prometheus_client is not installed (python3-prometheus-client): line checks only");
    return;
  }
  const std::string file = "/tmp/fsched-unit-metrics-" + std::to_string(::getpid()) + ".prom";
  std::ofstream(file) << text;
  const std::string cmd =
      py +
      " -c 'import sys; from prometheus_client.openmetrics.parser import "
      "text_string_to_metric_families as p; n = len(list(p(open(sys.argv[1]).read()))); "
      "sys.exit(0 if n == 15 else 1)' " +
      file;
  CHECK(std::system(cmd.c_str()) == 0);
  std::remove(file.c_str());
}

TEST_CASE("metrics --textfile: written whole, mode 0644, nothing else left", "[cli][metrics]") {
  char tmpl[] = "/tmp/fsched-unit-textfile-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string dir = tmpl;
  write_file_atomically(dir, "fsched.prom", "one\n");
  write_file_atomically(dir, "fsched.prom", "two\n# EOF\n");
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename());
  CHECK(names == std::vector<std::string>{"fsched.prom"});
  struct stat st;
  REQUIRE(::stat((dir + "/fsched.prom").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  std::ifstream f(dir + "/fsched.prom");
  std::stringstream text;
  text << f.rdbuf();
  CHECK(text.str() == "two\n# EOF\n");
  CHECK_THROWS_AS(write_file_atomically(dir + "/missing", "fsched.prom", "x"), CliError);
  std::filesystem::remove_all(dir);
}

namespace {
// A record of 3 documents as `fsched record` writes them; the scheduler
// of 0/fs turns user-fair at the third.
std::string record_text() {
  std::string out;
  for (int i = 0; i < 3; ++i) {
    std::vector<ReportRow> rows(5);
    rows[0].kind = ReportRow::Kind::group;
    rows[0].path = "0/fs";
    rows[0].policy = i < 2 ? "fair" : "user-fair";
    rows[0].pct.total = 100;
    rows[1].kind = ReportRow::Kind::user;
    rows[1].uid = 9000;
    rows[1].name = "User 9000";
    rows[1].pct.total = i < 2 ? 60 : 50;
    rows[1].entitled = i < 2 ? 60 : 50;
    rows[2].kind = ReportRow::Kind::process;
    rows[2].pid = 10;
    rows[3] = rows[1];
    rows[3].uid = 9001;
    rows[3].name = "User 9001";
    rows[3].pct.total = i < 2 ? 40 : 50;
    rows[4] = rows[0];
    rows[4].path = "0/idle";
    rows[4].policy = "fair";
    rows[4].pct.total = 0;
    out += report_json({"/m", 1000.0 + i, 1, 1, false}, rows).dump() + "\n";
  }
  return out;
}
}  // namespace

TEST_CASE("plot reads a record per group and per user", "[cli][plot]") {
  std::istringstream in(record_text());
  PlotData users = read_record(in, "r.jsonl", true);
  CHECK(users.times == std::vector<double>{0, 1, 2});
  REQUIRE(users.series.size() == 2);
  CHECK(users.series[0].title == "0/fs: User 9000");
  CHECK(*users.series[0].cpu[0] == 60);
  CHECK(*users.series[1].cpu[2] == 50);
  CHECK(*users.series[0].entitled[2] == 50);
  REQUIRE(users.events.size() == 1);
  CHECK(users.events[0].time == 2);
  CHECK(users.events[0].text == "0/fs: user-fair");

  std::istringstream again(record_text());
  PlotData groups = read_record(again, "r.jsonl", false);
  REQUIRE(groups.series.size() == 2);
  CHECK(shown_series(groups) == std::vector<std::size_t>{0});  // 0/idle never reaches 1 %
  CHECK(gnuplot_data(groups) == "0.000\t100.000\t?\n1.000\t100.000\t?\n2.000\t100.000\t?\n");
  const std::string script = gnuplot_script(users, "/tmp/d it's.tsv", "/tmp/o.svg", true);
  CHECK(script.find("set terminal svg") != std::string::npos);
  CHECK(script.find("'/tmp/d it''s.tsv' using 1:2 with lines") != std::string::npos);
  CHECK(script.find("title '0/fs: User 9001'") != std::string::npos);
  CHECK(script.find("dashed: entitled") != std::string::npos);
  CHECK(script.find("set label '0/fs: user-fair' at 2.000") != std::string::npos);
  CHECK(gnuplot_script(users, "d", "/tmp/o.png", true).find("pngcairo") != std::string::npos);

  std::istringstream only(record_text());
  CHECK(read_record(only, "r", false, {"0/idle"}).series.size() == 1);

  CHECK(default_plot_output("run.jsonl") == "run.svg");
  CHECK(default_plot_output("/x/run") == "/x/run.svg");
}

TEST_CASE("plot refuses what is not a record, naming the line", "[cli][plot]") {
  auto message = [](const std::string& text) {
    std::istringstream in(text);
    try {
      read_record(in, "r.jsonl", false);
    } catch (const CliError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string good = record_text().substr(0, record_text().find('\n') + 1);
  CHECK(message(good + "not json\n").rfind("r.jsonl:2: not a line of fsched record", 0) == 0);
  CHECK(message("{\"time\": 1}\n").rfind("r.jsonl:1: ", 0) == 0);
  CHECK(message("{\"time\": \"x\", \"groups\": []}\n").rfind("r.jsonl:1: ", 0) == 0);
  CHECK(message("\n\n") == "r.jsonl: no samples (record some with fsched record)");
}
