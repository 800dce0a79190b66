// `mv` of a pid directory against the raw cgroupfs move a user would do by
// hand (`echo PID > cgroup.procs`), interleaved in one run. Each figure is
// one syscall's latency: rename(2) on the tree, open+write+close on
// cgroup.procs. Every iteration moves the process into a group and back.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "harness.hpp"
#include "percentiles.hpp"

using Clock = std::chrono::steady_clock;

static double since_us(Clock::time_point t) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 2000;
  if (auto why = it::skip_reason(); !why.empty()) {
    std::printf("skip: %s\n", why.c_str());
    return 77;
  }
  it::TestRoot root;
  it::Hog hog;
  root.adopt(hog.pid());
  it::Daemon d(root.path());
  d.start();
  std::string pid = std::to_string(hog.pid());
  if (it::mkdir_errno(d.path("0/g")) != 0) return 1;
  std::string raw = root.path() + "/raw";
  ::mkdir(raw.c_str(), 0755);

  std::vector<double> fuse_us, raw_us;
  for (int i = 0; i < iterations; ++i) {
    auto t = Clock::now();
    if (it::rename_errno(d.path("0/" + pid), d.path("0/g/" + pid)) != 0) return 1;
    fuse_us.push_back(since_us(t));
    t = Clock::now();
    if (it::rename_errno(d.path("0/g/" + pid), d.path("0/" + pid)) != 0) return 1;
    fuse_us.push_back(since_us(t));

    t = Clock::now();
    if (it::write_file(raw + "/cgroup.procs", pid) != 0) return 1;
    raw_us.push_back(since_us(t));
    t = Clock::now();
    if (it::write_file(root.path() + "/cgroup.procs", pid) != 0) return 1;
    raw_us.push_back(since_us(t));
  }
  double f50 = percentile(fuse_us, 50), f99 = percentile(fuse_us, 99);
  double r50 = percentile(raw_us, 50), r99 = percentile(raw_us, 99);
  std::printf("moves: %zu each\n", fuse_us.size());
  std::printf("mv (rename on fsched)       p50 %7.1f us  p99 %7.1f us\n", f50, f99);
  std::printf("echo PID > cgroup.procs     p50 %7.1f us  p99 %7.1f us\n", r50, r99);
  std::printf("ratio                       p50 %7.2f     p99 %7.2f\n", f50 / r50, f99 / r99);
  ::rmdir(raw.c_str());
  return 0;
}
