// fsched: the command-line side of the sched-groups tree.
//   fsched top [-b] [--json] [-n N] [-a] [--mount DIR] [INTERVAL]
//   fsched stats [--json] [--mount DIR] [PATH]
//   fsched metrics [--textfile DIR] [--mount DIR]
//   fsched record [-i INTERVAL] [-t SECONDS] [--mount DIR] FILE
//   fsched plot [-o OUT.png|OUT.svg] [--by group|user] [--group G]... FILE
//   fsched spawn [--group G] [--time SECONDS] [--mount DIR] [CONF]
//   fsched usernice [--mount DIR] [NICE UID]
//   fsched guest load OBJ [NAME] [--set KNOB=VALUE]... [--mount DIR]
//   fsched guest build SRC.bpf.c [-o OUT.bpf.o]
//   fsched rules check [FILE]
//   fsched run [-g GROUP] [-u USER] [-n NICE] [--mount DIR] [--] CMD [ARGS...]
//   fsched move [--mount DIR] GROUP PID...
// run and move answer with exit statuses of their own (run: CMD's, 125..127;
// move: 0, 1, 2), as the tools they stand in for do.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli_error.hpp"
#include "guest_cmd.hpp"
#include "metrics.hpp"
#include "move_cmd.hpp"
#include "plot_cmd.hpp"
#include "record_cmd.hpp"
#include "rules_cmd.hpp"
#include "run_cmd.hpp"
#include "spawn.hpp"
#include "stats_cmd.hpp"
#include "top.hpp"
#include "usernice_cmd.hpp"

using namespace fsched::cli;

namespace {
const char* kUsage =
    "usage: fsched top [-b] [--json] [-n N] [-a] [--mount DIR] [INTERVAL]\n"
    "       fsched stats [--json] [--mount DIR] [PATH]\n"
    "       fsched metrics [--textfile DIR] [--mount DIR]\n"
    "       fsched record [-i INTERVAL] [-t SECONDS] [--mount DIR] FILE\n"
    "       fsched plot [-o OUT.png|OUT.svg] [--by group|user] [--group G]... FILE\n"
    "       fsched spawn [--group G] [--time SECONDS] [--mount DIR] [CONF]\n"
    "       fsched usernice [--mount DIR] [NICE UID]\n"
    "       fsched guest load OBJ [NAME] [--set KNOB=VALUE]... [--mount DIR]\n"
    "       fsched guest build SRC.bpf.c [-o OUT.bpf.o]\n"
    "       fsched rules check [FILE]\n"
    "       fsched run [-g GROUP] [-u USER] [-n NICE] [--mount DIR] [--] CMD [ARGS...]\n"
    "       fsched move [--mount DIR] GROUP PID...\n"
    "\n"
    "top       per group, each user's CPU and their processes (q quits, space toggles\n"
    "          real time / CPU time, + and - change the interval); -b: plain text,\n"
    "          -n N: N screens then exit, -a: idle processes of 0 too; ENTITLED: what\n"
    "          the weights give it while the same members are busy (! 5 points off);\n"
    "          --json: one JSON document per screen and line (implies -b)\n"
    "stats     a group's or process's stats (PATH: 0/fs, 0/fs/1234, or a path in the\n"
    "          mount); no PATH: every group's, each line led by the group; --json:\n"
    "          numbers as JSON numbers\n"
    "metrics   the tree in OpenMetrics text for Prometheus; --textfile DIR: into\n"
    "          DIR/fsched.prom, atomically, for node_exporter's textfile collector\n"
    "record    top --json's documents into FILE (- for stdout) every -i seconds (1),\n"
    "          until -t seconds have passed or Ctrl-C\n"
    "plot      a record's shares over time, drawn by gnuplot, per group (default) or\n"
    "          per user: solid what they used, dashed what they were entitled to;\n"
    "          -o: the picture (.svg or .png; default FILE with .svg); --group G: only\n"
    "          G (repeat for more)\n"
    "spawn     start each `UID PROGRAM [ARGS]` line of CONF as that uid (root only);\n"
    "          CONF: spawn.conf beside fsched, else the installed one; relative programs are\n"
    "          found beside CONF; --group starts them in a group (0/fs); all are\n"
    "          killed after --time seconds (120; 0 never)\n"
    "usernice  set a user's nice level (-20..19) for user-fair groups; no arguments:\n"
    "          print the levels\n"
    "guest     load a compiled guest scheduler (root; NAME defaults to its own name;\n"
    "          --set changes a const volatile knob first), or build one from C\n"
    "          against the installed SDK (docs/guests.md)\n"
    "rules     check a placement rules file (default /etc/fsched/rules) as the daemon\n"
    "          reads it: every bad line with its number, or the rules and groups\n"
    "run       become CMD in GROUP (0/batch), as cgexec: this process places itself\n"
    "          (so placement rules leave it there), then execs CMD, whose exit status\n"
    "          and signals are fsched run's; -n: an absolute nice level (-20..19, as\n"
    "          systemd's Nice=); -u: as USER (root only); own errors exit 125, CMD not\n"
    "          found 127, not executable 126\n"
    "move      move each PID into GROUP, as cgclassify: one line per failure with its\n"
    "          errno; exit 1 if any failed, 2 on a usage error\n"
    "The tree is --mount DIR, $FSCHED_MOUNT, or the fschedfs mount found.\n";

double number(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || d < 0)
    throw CliError(flag + " takes a number, not \"" + v + "\"");
  return d;
}

struct Args {
  std::vector<std::string> words;
  size_t i = 0;
  bool more() const { return i < words.size(); }
  const std::string& peek() const { return words[i]; }
  std::string take(const std::string& flag) {
    if (i + 1 >= words.size()) throw CliError(flag + " needs a value");
    ++i;
    return words[i++];
  }
};

int run(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  Args a{std::vector<std::string>(argv + 2, argv + argc)};
  std::vector<std::string> rest;
  std::string mount;
  if (cmd == "run") return run_command(a.words);
  if (cmd == "move") return move_command(a.words);
  if (cmd == "top") {
    TopOptions o;
    while (a.more()) {
      const std::string w = a.peek();
      if (w == "-b") {
        o.batch = true;
        ++a.i;
      } else if (w == "--json") {
        o.json = true;
        ++a.i;
      } else if (w == "-a") {
        o.all = true;
        ++a.i;
      } else if (w == "-n") {
        o.iterations = static_cast<int>(number(w, a.take(w)));
      } else if (w == "--mount") {
        o.mount = a.take(w);
      } else if (w.size() > 1 && w[0] == '-') {
        throw CliError("top: unknown option " + w);
      } else {
        rest.push_back(w);
        ++a.i;
      }
    }
    if (rest.size() > 1) throw CliError("top takes one INTERVAL");
    if (!rest.empty()) o.interval = number("INTERVAL", rest[0]);
    if (o.interval < 0.1) throw CliError("INTERVAL must be at least 0.1 s");
    return run_top(o);
  }
  if (cmd == "stats") {
    StatsOptions o;
    while (a.more()) {
      const std::string w = a.peek();
      if (w == "--json") {
        o.json = true;
        ++a.i;
      } else if (w == "--mount") {
        o.mount = a.take(w);
      } else if (w.size() > 1 && w[0] == '-') {
        throw CliError("stats: unknown option " + w);
      } else {
        rest.push_back(w);
        ++a.i;
      }
    }
    if (rest.size() > 1) throw CliError("stats takes one PATH");
    if (!rest.empty()) o.path = rest[0];
    return run_stats(o);
  }
  if (cmd == "metrics") {
    MetricsOptions o;
    while (a.more()) {
      const std::string w = a.peek();
      if (w == "--textfile") {
        o.textfile_dir = a.take(w);
      } else if (w == "--mount") {
        o.mount = a.take(w);
      } else {
        throw CliError("metrics: unexpected " + w + " (--textfile DIR, --mount DIR)");
      }
    }
    return run_metrics(o);
  }
  if (cmd == "record") {
    RecordOptions o;
    while (a.more()) {
      const std::string w = a.peek();
      if (w == "-i" || w == "--interval") {
        o.interval = number(w, a.take(w));
      } else if (w == "-t" || w == "--time") {
        o.seconds = number(w, a.take(w));
      } else if (w == "--mount") {
        o.mount = a.take(w);
      } else if (w.size() > 1 && w[0] == '-') {
        throw CliError("record: unknown option " + w);
      } else {
        rest.push_back(w);
        ++a.i;
      }
    }
    if (rest.size() != 1) throw CliError("usage: fsched record [-i INTERVAL] [-t SECONDS] FILE");
    if (o.interval < 0.1) throw CliError("-i must be at least 0.1 s");
    o.file = rest[0];
    return run_record(o);
  }
  if (cmd == "plot") {
    PlotOptions o;
    while (a.more()) {
      const std::string w = a.peek();
      if (w == "-o") {
        o.out = a.take(w);
      } else if (w == "--by") {
        const std::string by = a.take(w);
        if (by != "group" && by != "user")
          throw CliError("--by takes group or user, not \"" + by + "\"");
        o.by_user = by == "user";
      } else if (w == "--group" || w == "-g") {
        o.groups.push_back(a.take(w));
      } else if (w.size() > 1 && w[0] == '-') {
        throw CliError("plot: unknown option " + w);
      } else {
        rest.push_back(w);
        ++a.i;
      }
    }
    if (rest.size() != 1) throw CliError("usage: fsched plot [-o OUT.svg] [--by group|user] FILE");
    o.file = rest[0];
    return run_plot(o);
  }
  if (cmd == "spawn") {
    SpawnOptions o;
    while (a.more()) {
      const std::string w = a.peek();
      if (w == "--group" || w == "-g") {
        o.group = a.take(w);
      } else if (w == "--time" || w == "-t") {
        o.seconds = number(w, a.take(w));
      } else if (w == "--mount") {
        o.mount = a.take(w);
      } else if (w.size() > 1 && w[0] == '-') {
        throw CliError("spawn: unknown option " + w);
      } else {
        rest.push_back(w);
        ++a.i;
      }
    }
    if (rest.size() > 1) throw CliError("spawn takes one CONF");
    if (!rest.empty()) o.conf = rest[0];
    return run_spawn(o);
  }
  if (cmd == "usernice") {
    while (a.more()) {
      const std::string w = a.peek();
      if (w == "--mount") {
        mount = a.take(w);
      } else {
        rest.push_back(w);  // NICE may be negative: not an option
        ++a.i;
      }
    }
    if (rest.empty()) return print_usernice(mount);
    if (rest.size() != 2) throw CliError("usage: fsched usernice NICE UID");
    return run_usernice(mount, rest[0], rest[1]);
  }
  if (cmd == "guest") {
    if (!a.more()) throw CliError("usage: fsched guest load OBJ [NAME] | fsched guest build SRC");
    const std::string sub = a.words[a.i++];
    if (sub == "load") {
      GuestLoadOptions o;
      while (a.more()) {
        const std::string w = a.peek();
        if (w == "--set") {
          o.knobs.push_back(parse_knob(a.take(w)));
        } else if (w == "--mount") {
          o.mount = a.take(w);
        } else if (w.size() > 1 && w[0] == '-') {
          throw CliError("guest load: unknown option " + w);
        } else {
          rest.push_back(w);
          ++a.i;
        }
      }
      if (rest.empty() || rest.size() > 2) throw CliError("usage: fsched guest load OBJ [NAME]");
      o.object = rest[0];
      if (rest.size() == 2) o.name = rest[1];
      return run_guest_load(o);
    }
    if (sub == "build") {
      std::string out;
      while (a.more()) {
        const std::string w = a.peek();
        if (w == "-o") {
          out = a.take(w);
        } else if (w.size() > 1 && w[0] == '-') {
          throw CliError("guest build: unknown option " + w);
        } else {
          rest.push_back(w);
          ++a.i;
        }
      }
      if (rest.size() != 1) throw CliError("usage: fsched guest build SRC.bpf.c [-o OUT.bpf.o]");
      return run_guest_build(rest[0], out);
    }
    throw CliError("unknown guest command \"" + sub + "\" (load, build)");
  }
  if (cmd == "rules") {
    if (!a.more()) throw CliError("usage: fsched rules check [FILE]");
    const std::string sub = a.words[a.i++];
    if (sub != "check") throw CliError("unknown rules command \"" + sub + "\" (check)");
    while (a.more()) {
      const std::string w = a.peek();
      if (w.size() > 1 && w[0] == '-') throw CliError("rules check: unknown option " + w);
      rest.push_back(w);
      ++a.i;
    }
    if (rest.size() > 1) throw CliError("rules check takes one FILE");
    return run_rules_check(rest.empty() ? kDefaultRulesFile : rest[0]);
  }
  throw CliError("unknown command \"" + cmd +
                 "\" (top, stats, metrics, record, plot, spawn, usernice, guest, rules, run, move)");
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const CliError& e) {
    std::fprintf(stderr, "fsched: %s\n", e.what());
    return 1;
  }
}
