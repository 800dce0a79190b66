// Hostile input: every malformed name, write and request gets a clear
// errno and changes nothing, and many clients at once neither crash,
// block nor leak in the daemon.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace it;

namespace {
struct Mounted : MountedTree {
  Mounted() { REQUIRE(mkdir_errno(m + "0/g") == 0); }
};

int write_at(const std::string& path, const std::string& text, off_t off, int flags = 0) {
  int fd = ::open(path.c_str(), O_WRONLY | flags);
  if (fd < 0) return errno;
  ssize_t n = ::pwrite(fd, text.data(), text.size(), off);
  int e = n < 0 ? errno : 0;
  ::close(fd);
  return e;
}

int count_fds(pid_t pid) {
  return static_cast<int>(list("/proc/" + std::to_string(pid) + "/fd").size());
}

// Every group directory under `dir` and the pids directly in each.
void walk(const std::string& dir, const std::string& rel, std::map<std::string, int>* groups,
          std::map<std::string, std::vector<std::string>>* where) {
  (*groups)[rel]++;
  for (const auto& name : list(dir)) {
    struct stat st;
    if (::stat((dir + "/" + name).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (name.find_first_not_of("0123456789") == std::string::npos)
      (*where)[name].push_back(rel);
    else
      walk(dir + "/" + name, rel + "/" + name, groups, where);
  }
}
}  // namespace

TEST_CASE_METHOD(Mounted, "names: control bytes, too long, leading dot, slashes", "[hostile]") {
  for (std::string bad : {std::string("a\x01"
                                      "b"),
                          std::string("tab\tx"), std::string("nl\nx"), std::string("del\x7f"),
                          std::string("caf\xc3\xa9"), std::string(65, 'x'), std::string(".dot"),
                          std::string("a b")}) {
    INFO("name: " << bad);
    CHECK(mkdir_errno(m + "0/" + bad) == EINVAL);
    CHECK(rename_errno(m + "0/g", m + "0/" + bad) == EINVAL);
    CHECK_FALSE(exists(m + "0/" + bad));
  }
  CHECK(mkdir_errno(m + "0/" + std::string(64, 'x')) == 0);
  CHECK(mkdir_errno(m + "0/" + std::string(255, 'x')) == EINVAL);
  CHECK(mkdir_errno(m + "0/" + std::string(4000, 'x')) == EINVAL);
  // A slash never reaches the daemon: the kernel reads it as a path.
  CHECK(mkdir_errno(m + "0/missing/x") == ENOENT);
  CHECK(rename_errno(m + "0/g", m + "0/missing/g") == ENOENT);
  CHECK(exists(m + "0/g"));
  std::vector<std::string> names = list(root.path());
  CHECK(std::count(names.begin(), names.end(), "fsched-g") == 1);
}

TEST_CASE_METHOD(Mounted, "megabyte writes into control files", "[hostile]") {
  const std::string mb(1 << 20, '1');
  const std::string padded = "200" + std::string(1 << 20, ' ');
  for (const char* f : {"cpu.weight", "tasks", "scheduler", "cpu.max", "cpus"}) {
    INFO(f);
    CHECK(write_file(m + "0/g/" + f, mb) == EINVAL);
    CHECK(write_file(m + "0/g/" + f, padded) == EINVAL);
  }
  CHECK(read_file(m + "0/g/cpu.weight") == "100\n");
  CHECK(read_file(m + "0/g/scheduler") == "fair\n");
  CHECK(read_file(m + "0/g/cpu.max") == "max 100000\n");
  CHECK(list(m + "0/g").size() == 6);  // the six files, no process
  CHECK(d.alive());
}

TEST_CASE_METHOD(Mounted, "writes at an offset, in pieces, with O_APPEND", "[hostile]") {
  const std::string w = m + "0/g/cpu.weight";
  CHECK(write_at(w, "300", 1) == EINVAL);
  CHECK(write_at(w, "300", 4096) == EINVAL);
  CHECK(read_file(w) == "100\n");
  // One write(2) is one command, as in cgroupfs: a first piece that is a
  // whole value takes effect; the rest, at an offset, is refused.
  int fd = ::open(w.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  CHECK(::write(fd, "2", 1) == 1);
  CHECK(::write(fd, "00", 2) == -1);
  CHECK(errno == EINVAL);
  ::close(fd);
  CHECK(read_file(w) == "2\n");
  // `echo 300 >> cpu.weight` works as it does on cgroupfs.
  CHECK(write_at(w, "300\n", 0, O_APPEND) == 0);
  CHECK(read_file(w) == "300\n");
  fd = ::open(w.c_str(), O_WRONLY | O_APPEND);
  REQUIRE(fd >= 0);
  CHECK(::write(fd, "400\n", 4) == 4);
  CHECK(::write(fd, "500\n", 4) == 4);
  ::close(fd);
  CHECK(read_file(w) == "500\n");
}

TEST_CASE_METHOD(Mounted, "truncate", "[hostile]") {
  const std::string w = m + "0/g/cpu.weight";
  REQUIRE(write_file(w, "700") == 0);
  CHECK(::truncate(w.c_str(), 0) == 0);  // a shell's `>`: nothing happens
  CHECK(read_file(w) == "700\n");
  CHECK(::truncate(w.c_str(), 10) == -1);
  CHECK(errno == EINVAL);
  CHECK(::truncate((m + "0/g/stats").c_str(), 0) == -1);
  CHECK(errno == EACCES);
  CHECK(::truncate((m + "0/g").c_str(), 0) == -1);
  CHECK(errno == EISDIR);
  CHECK(as_user(9000, [&] { return ::truncate(w.c_str(), 0) == 0 ? 0 : errno; }) == EACCES);
  CHECK(read_file(w) == "700\n");
}

TEST_CASE_METHOD(Mounted, "create, mknod, symlink, link: EPERM; xattrs: ENOTSUP", "[hostile]") {
  for (const std::string dir : {"0/", "0/g/"}) {
    const std::string p = m + dir + "made";
    CHECK(::open(p.c_str(), O_CREAT | O_WRONLY, 0644) == -1);
    CHECK(errno == EPERM);
    CHECK(::mknod(p.c_str(), S_IFREG | 0644, 0) == -1);
    CHECK(errno == EPERM);
    CHECK(::mkfifo(p.c_str(), 0644) == -1);
    CHECK(errno == EPERM);
    CHECK(::symlink("/etc/passwd", p.c_str()) == -1);
    CHECK(errno == EPERM);
    CHECK(::link((m + dir + "stats").c_str(), p.c_str()) == -1);
    CHECK(errno == EPERM);
    CHECK_FALSE(exists(p));
  }
  // Even in 0/, which everyone may write.
  CHECK(as_user(9000, [&] {
          return ::open((m + "0/mine").c_str(), O_CREAT | O_WRONLY, 0644) == -1 ? errno : 0;
        }) == EPERM);
  for (const std::string node : {"0", "0/g", "0/g/stats", "0/g/cpu.weight"}) {
    const std::string p = m + node;
    INFO(p);
    CHECK(::setxattr(p.c_str(), "user.x", "1", 1, 0) == -1);
    CHECK(errno == ENOTSUP);
    char buf[64];
    CHECK(::getxattr(p.c_str(), "user.x", buf, sizeof buf) == -1);
    CHECK(errno == ENOTSUP);
    CHECK(::listxattr(p.c_str(), buf, sizeof buf) == -1);
    CHECK(errno == ENOTSUP);
    CHECK(::removexattr(p.c_str(), "user.x") == -1);
    CHECK(errno == ENOTSUP);
  }
}

TEST_CASE_METHOD(Mounted, "many clients at once: no crash, no block, no leak", "[hostile]") {
  std::vector<std::unique_ptr<UserProcess>> procs;
  for (uid_t uid : {0u, 9000u, 9001u})
    for (int i = 0; i < 3; ++i) procs.push_back(std::make_unique<UserProcess>(uid));
  for (auto& p : procs) root.adopt(p->pid());
  REQUIRE(wait_until([&] { return exists(m + "0/" + std::to_string(procs.back()->pid())); }, 3));
  // Readers that open and never read must not hold anything up.
  std::vector<int> held;
  for (int i = 0; i < 64; ++i) held.push_back(::open((m + "0/g/stats").c_str(), O_RDONLY));
  const int fds_before = count_fds(d.pid());

  std::atomic<bool> stop{false};
  std::atomic<long> ops{0};
  auto client = [&](unsigned seed) {
    std::mt19937 rng(seed);
    const char* names[] = {"a", "b", "c", "g/x", "a/y"};
    while (!stop) {
      std::string n = names[rng() % 5];
      std::string pid = std::to_string(procs[rng() % procs.size()]->pid());
      switch (rng() % 8) {
        case 0:
          mkdir_errno(m + "0/" + n);
          break;
        case 1:
          rmdir_errno(m + "0/" + n);
          break;
        case 2:
          rename_errno(m + "0/" + n, m + "0/" + names[rng() % 5]);
          break;
        case 3:
          write_file(m + "0/" + n + "/tasks", pid);
          break;
        case 4:
          write_file(m + "0/" + n + "/cpu.weight", std::to_string(rng() % 10002));
          break;
        case 5:
          read_file(m + "0/" + n + "/stats");
          break;
        case 6:
          list(m + "0/" + n);
          break;
        default:
          write_file(m + "0/tasks", pid);
          break;
      }
      ++ops;
    }
  };
  // Users at the same time, in processes of their own, forked before any
  // thread exists here.
  std::vector<pid_t> users;
  for (uid_t uid : {9000u, 9001u})
    users.push_back(start_as_user(uid, [&, uid] {
      std::thread a(client, uid), b(client, uid + 1);
      std::this_thread::sleep_for(std::chrono::seconds(4));
      stop = true;
      a.join();
      b.join();
      return 0;
    }));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 16; ++t) threads.emplace_back(client, t);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  stop = true;
  for (auto& t : threads) t.join();
  for (pid_t u : users) CHECK(wait_child(u) == 0);
  WARN("many clients: " << ops.load()
                        << " operations by 16 root threads in 4 s, with 4 user "
                           "threads beside them");
  // In the emulated VM this is a throughput figure (reported above), not a
  // property; on a real machine 1000 operations in 4 s is the floor.
  if (!std::getenv("FSCHED_TEST_EMULATED")) CHECK(ops > 1000);
  REQUIRE(d.alive());

  // Still answering promptly while the held readers sleep.
  auto t0 = std::chrono::steady_clock::now();
  CHECK(mkdir_errno(m + "0/after") == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
  for (int fd : held) ::close(fd);
  // Every process in exactly one group, and in that group's cgroup.
  std::map<std::string, int> groups;
  std::map<std::string, std::vector<std::string>> where;
  walk(m + "0", "", &groups, &where);
  for (auto& p : procs) {
    auto it = where.find(std::to_string(p->pid()));
    REQUIRE(it != where.end());
    REQUIRE(it->second.size() == 1);
    std::string expect = it->second[0];
    std::string cg = cpu_cgroup_of(p->pid());
    INFO("pid " << p->pid() << " listed in '" << expect << "', cgroup " << cg);
    if (expect.empty()) {
      CHECK(cg.find("/fsched-") == std::string::npos);
      continue;
    }
    std::string want;
    for (size_t i = 1, j; i <= expect.size(); i = j + 1) {
      j = expect.find('/', i);
      if (j == std::string::npos) j = expect.size();
      want += "/fsched-" + expect.substr(i, j - i);
    }
    CHECK(cg.find(want + "/proc-") != std::string::npos);
  }
  // The daemon's file descriptors did not grow with the work done.
  CHECK(count_fds(d.pid()) <= fds_before + 4);
}
