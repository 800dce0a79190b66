#include "top.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "mount_point.hpp"
#include "terminal.hpp"
#include "top_json.hpp"
#include "top_report.hpp"
#include "top_text.hpp"

namespace fsched::cli {

namespace {
// Steps for + and -: the monitor's 2 s is one of them.
constexpr double kSteps[] = {0.5, 1, 2, 3, 5, 10, 20, 30, 60};

double step(double now, int dir) {
  if (dir > 0) {
    for (double s : kSteps)
      if (s > now + 1e-9) return s;
    return now;
  }
  double best = now;
  for (double s : kSteps)
    if (s < now - 1e-9) best = s;
  return best;
}

void draw(const std::string& mount, const Sample& before, const Sample& after, const TopOptions& o,
          bool tty) {
  ReportOptions ro;
  ro.cpu_time = o.cpu_time;
  ro.all = o.all;
  auto rows = make_report(before, after, ro, default_user_name);
  if (o.json) {
    ReportHead h{mount, after.wall_sec, o.interval, after.when_sec - before.when_sec, o.cpu_time};
    std::string line = report_json(h, rows).dump() + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    return;
  }
  std::string out;
  char head[256];
  std::snprintf(head, sizeof head, "fsched top: %s, every %g s, %s mode\n", mount.c_str(),
                o.interval, o.cpu_time ? "CPU time" : "real time");
  int lines_left = 1 << 30, cols = 1 << 30;
  if (tty) {
    RawTerminal::size(&lines_left, &cols);
    out += "\x1b[H\x1b[2J";
    out += "\x1b[1m";
    out += head;
    out += "\x1b[0m";
    out += "q: quit  space: real/CPU time  +/-: interval\n";
    lines_left -= 2;
  } else {
    out += head;
    lines_left -= 1;
  }
  char elapsed[64];
  std::snprintf(elapsed, sizeof elapsed, "Elapsed time: %.2f seconds\n\n",
                after.when_sec - before.when_sec);
  out += elapsed;
  lines_left -= 2;
  for (const auto& line : report_lines(rows, tty)) {
    if (lines_left-- <= 1) break;
    out += line + "\n";
  }
  if (!tty) out += "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}
}  // namespace

int run_top(const TopOptions& options) {
  TopOptions o = options;
  const std::string mount = find_mount(o.mount);
  if (o.json) o.batch = true;  // a stream of documents, not a screen
  const bool tty = !o.batch && ::isatty(1);
  RawTerminal term;  // no-op without a terminal on stdin
  Sample before = take_sample(mount);
  Sample after = before;
  bool have = false;
  for (int n = 0; o.iterations <= 0 || n < o.iterations;) {
    int key = o.batch ? (::usleep(static_cast<useconds_t>(o.interval * 1e6)), 0)
                      : RawTerminal::wait_key(o.interval);
    if (key == 'q' || key == 'Q') break;
    if (key == ' ') o.cpu_time = !o.cpu_time;
    if (key == '+' || key == '=') o.interval = step(o.interval, +1);
    if (key == '-' || key == '_') o.interval = step(o.interval, -1);
    if (key && have) {
      draw(mount, before, after, o, tty);  // at once, on the data we have
      continue;
    }
    if (key) continue;
    if (have) before = after;
    after = take_sample(mount);
    have = true;
    draw(mount, before, after, o, tty);
    ++n;
  }
  return 0;
}

}  // namespace fsched::cli
