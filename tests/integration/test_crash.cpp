// A daemon that dies hard (SIGKILL, the OOM killer) and the one started
// after it, as systemd's Restart= would; and the mount forms of fstab.
#include <signal.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "harness.hpp"

using namespace it;

namespace {

// Every group below 0, by path: weight, scheduler and which of `pids` it
// holds. The machine's other processes in 0 come and go; ours do not.
std::map<std::string, std::string> snapshot(const std::string& mnt,
                                            const std::vector<pid_t>& pids) {
  std::map<std::string, std::string> out;
  std::vector<std::string> todo{"0"};
  while (!todo.empty()) {
    std::string g = todo.back();
    todo.pop_back();
    std::string line;
    if (g != "0")
      line = read_file(mnt + "/" + g + "/cpu.weight") + read_file(mnt + "/" + g + "/scheduler");
    for (pid_t p : pids)
      if (exists(mnt + "/" + g + "/" + s(p))) line += " " + s(p);
    out[g] = line;
    for (const auto& n : list(mnt + "/" + g))
      if (!n.empty() && !std::isdigit(static_cast<unsigned char>(n[0])) &&
          exists(mnt + "/" + g + "/" + n + "/tasks"))
        todo.push_back(g + "/" + n);
  }
  return out;
}

int mounts_on(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  int n = 0;
  while (std::getline(in, line))
    if (line.find(" " + path + " ") != std::string::npos) ++n;
  return n;
}

std::string mount_line(const std::string& path) {
  std::ifstream in("/proc/mounts");
  std::string line;
  while (std::getline(in, line))
    if (line.find(" " + path + " ") != std::string::npos) return line;
  return "";
}

}  // namespace

TEST_CASE("a daemon killed mid-load comes back on its dead mount with the same tree", "[crash]") {
  TestRoot root;
  Hog in_host, in_a, in_b, in_c, moving;
  root.adopt({in_host.pid(), in_a.pid(), in_b.pid(), in_c.pid(), moving.pid()});
  const std::vector<pid_t> pids{in_host.pid(), in_a.pid(), in_b.pid(), in_c.pid(), moving.pid()};
  Daemon d(root.path());
  d.start();
  REQUIRE(mkdir_errno(d.path("0/a")) == 0);
  REQUIRE(mkdir_errno(d.path("0/a/b")) == 0);
  REQUIRE(mkdir_errno(d.path("0/c")) == 0);
  REQUIRE(write_file(d.path("0/a/cpu.weight"), "300") == 0);
  REQUIRE(write_file(d.path("0/c/scheduler"), "user-fair") == 0);
  REQUIRE(write_file(d.path("0/a/tasks"), s(in_a.pid())) == 0);
  REQUIRE(write_file(d.path("0/a/b/tasks"), s(in_b.pid())) == 0);
  REQUIRE(write_file(d.path("0/c/tasks"), s(in_c.pid())) == 0);

  // Moves in flight when the daemon dies: one process shuttled between
  // two groups as fast as the tree answers.
  std::atomic<bool> stop{false};
  std::atomic<int> moves{0};
  std::thread mover([&] {
    for (int i = 0; !stop; ++i) {
      if (write_file(d.path(i % 2 ? "0/c/tasks" : "0/a/b/tasks"), s(moving.pid())) != 0) break;
      ++moves;
    }
  });
  REQUIRE(wait_until([&] { return moves > 20; }, 10));
  auto before = snapshot(d.mnt(), {in_host.pid(), in_a.pid(), in_b.pid(), in_c.pid()});
  d.kill_hard();
  stop = true;
  mover.join();
  // The kernel's truth at the moment of death: where each process is.
  std::map<pid_t, std::string> cgroups;
  for (pid_t p : pids) cgroups[p] = cpu_cgroup_of(p);
  struct statfs f;
  CHECK(::statfs(d.mnt().c_str(), &f) != 0);  // dead
  CHECK(errno == ENOTCONN);

  d.start();  // on the dead mount
  CHECK(mounts_on(d.mnt()) == 1);
  for (pid_t p : pids) {
    INFO("pid " << p);
    CHECK(::kill(p, 0) == 0);              // not lost
    CHECK(cpu_cgroup_of(p) == cgroups[p]);  // not moved by the restart
  }
  CHECK(snapshot(d.mnt(), {in_host.pid(), in_a.pid(), in_b.pid(), in_c.pid()}) == before);
  // The shuttled one is listed where its cgroup is.
  const std::string& where = cgroups[moving.pid()];
  std::string group = where.find("fsched-c") != std::string::npos ? "0/c" : "0/a/b";
  INFO("its cgroup: " << where);
  CHECK(exists(d.path(group + "/" + s(moving.pid()))));
  // And it is usable: a move works.
  CHECK(write_file(d.path("0/a/tasks"), s(moving.pid())) == 0);
}

TEST_CASE("a second daemon does not mount over a live tree", "[crash]") {
  MountedTree t;
  const char* bin = std::getenv("FSCHEDFS");
  std::string cmd = std::string(bin) + " -o cgroup_root=" + t.root.path() + " " + t.d.mnt() +
                    " 2>" + t.d.mnt() + ".second";
  int status = std::system(cmd.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK(read_file(t.d.mnt() + ".second").find("already mounted by a running fschedfs") !=
        std::string::npos);
  ::unlink((t.d.mnt() + ".second").c_str());
  CHECK(mounts_on(t.d.mnt()) == 1);
  CHECK(exists(t.m + "0/tasks"));
}

TEST_CASE("mount.fuse3 mounts it as fstab does: fschedfs on MNT type fuse.fschedfs", "[crash]") {
  // mount -t fuse.fschedfs (and an fstab line) runs the helper this way.
  const char* helper = "/sbin/mount.fuse3";
  if (::access(helper, X_OK) != 0 || ::access("/bin/sh", X_OK) != 0) {
    WARN("skipped: no " << helper << " or /bin/sh here");
    return;
  }
  TestRoot root;
  char tmpl[] = "/tmp/fsched-fstab-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  const std::string mnt = tmpl;
  std::string bin = std::getenv("FSCHEDFS");
  std::string dir = bin.substr(0, bin.rfind('/'));
  std::string cmd = "PATH=" + dir + ":$PATH " + helper + " fschedfs " + mnt +
                    " -t fschedfs -o backend=cgroup,cgroup_root=" + root.path();
  if (const char* b = std::getenv("FSCHED_TEST_BACKEND"); b && *b)
    cmd = "PATH=" + dir + ":$PATH " + helper + " fschedfs " + mnt + " -t fschedfs -o backend=" +
          b + ",cgroup_root=" + root.path();
  int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  std::string line = mount_line(mnt);
  CHECK(line.rfind("fschedfs " + mnt + " fuse.fschedfs ", 0) == 0);
  CHECK(exists(mnt + "/0/tasks"));
  CHECK(mkdir_errno(mnt + "/0/fromfstab") == 0);
  CHECK(rmdir_errno(mnt + "/0/fromfstab") == 0);
  CHECK(::umount(mnt.c_str()) == 0);
  // The detached daemon ends with its mount.
  CHECK(wait_until([&] { return mount_line(mnt).empty(); }, 5));
  ::rmdir(mnt.c_str());
}

TEST_CASE("under systemd (Type=notify) READY=1 comes once the tree answers, STATUS names the backend",
          "[crash]") {
  // systemd's side of sd_notify(3): a datagram socket named by $NOTIFY_SOCKET.
  int sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(sock >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = "/tmp/fsched-notify-" + s(::getpid());
  ::unlink(path.c_str());
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  REQUIRE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  TestRoot root;
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  Daemon d(root.path());
  d.start();
  ::unsetenv("NOTIFY_SOCKET");
  pollfd p{sock, POLLIN, 0};
  REQUIRE(::poll(&p, 1, 10000) == 1);
  char buf[512] = {};
  ssize_t n = ::recv(sock, buf, sizeof buf - 1, 0);
  REQUIRE(n > 0);
  std::string msg(buf, static_cast<std::size_t>(n));
  CHECK(msg.find("READY=1") != std::string::npos);
  CHECK(msg.find("STATUS=backend=") != std::string::npos);
  CHECK(msg.find("mounted on " + d.mnt()) != std::string::npos);
  struct statfs f;
  CHECK(::statfs(d.mnt().c_str(), &f) == 0);
  d.stop();
  n = ::recv(sock, buf, sizeof buf - 1, MSG_DONTWAIT);
  CHECK(n > 0);
  CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0).find("STOPPING=1") !=
        std::string::npos);
  ::close(sock);
  ::unlink(path.c_str());
}
