#include "record_cmd.hpp"

#include <signal.h>
#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli_error.hpp"
#include "mount_point.hpp"
#include "top_json.hpp"
#include "top_report.hpp"

namespace fsched::cli {

namespace {
volatile sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
}

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Sleeps until `when` (CLOCK_MONOTONIC seconds); false when a signal
// asked us to stop meanwhile.
bool sleep_until(double when) {
  while (!g_stop) {
    double left = when - now();
    if (left <= 0) return true;
    timespec ts{static_cast<time_t>(left),
                static_cast<long>((left - static_cast<time_t>(left)) * 1e9)};
    nanosleep(&ts, nullptr);  // a signal cuts it short: g_stop is looked at again
  }
  return false;
}

// Sets a handler for the recording and puts the old one back after.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};
}  // namespace

int run_record(const RecordOptions& o) {
  const std::string mount = find_mount(o.mount);
  const bool to_stdout = o.file == "-";
  FILE* out = to_stdout ? stdout : std::fopen(o.file.c_str(), "we");
  if (!out) throw CliError("cannot write " + o.file + ": " + std::strerror(errno));
  g_stop = 0;
  StopSignals signals;
  int written = 0;
  // The first sample can wait a daemon window: the clock starts after it.
  Sample before = take_sample(mount);
  const double start = now();
  for (int k = 1; !g_stop; ++k) {
    if (!sleep_until(start + k * o.interval)) break;
    Sample after = take_sample(mount);
    auto rows = make_report(before, after, {}, default_user_name);
    ReportHead h{mount, after.wall_sec, o.interval, after.when_sec - before.when_sec, false};
    const std::string line = report_json(h, rows).dump() + "\n";
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size() || std::fflush(out) != 0) {
      if (!to_stdout) std::fclose(out);
      throw CliError("cannot write " + o.file + ": " + std::strerror(errno));
    }
    ++written;
    before = std::move(after);
    if (o.seconds > 0 && now() - start >= o.seconds - 1e-3) break;
  }
  if (!to_stdout && std::fclose(out) != 0)
    throw CliError("cannot write " + o.file + ": " + std::strerror(errno));
  std::fprintf(stderr, "fsched record: %d samples in %s\n", written,
               to_stdout ? "standard output" : o.file.c_str());
  return 0;
}

}  // namespace fsched::cli
