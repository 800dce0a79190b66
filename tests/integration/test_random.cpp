// Thousands of random operations from root, 9000 and 9001 against the
// mounted tree, each compared with a reference model of the spec: the
// model predicts every errno (as the kernel's VFS and then the daemon
// decide it), and after each operation the tree, the model and the
// kernel's cgroups must agree: every process in exactly one group, the
// group the model says, and the cgroup of that group; no group lost or
// made up; owners and modes as the model has them.
//
// FSCHED_RANDOM_SEED and FSCHED_RANDOM_OPS change the run.
#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"
#include "random_model.hpp"

using namespace it;

namespace {

using namespace it::random_test;

// A child running as one uid that performs the syscalls it is sent and
// answers each with an errno.
class Actor {
 public:
  explicit Actor(uid_t uid) : uid_(uid) {
    int to[2], from[2];
    if (::pipe(to) != 0 || ::pipe(from) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      // Only its own pipe ends: an inherited write end of another
      // actor's pipe would keep that actor from ever seeing EOF.
      ::dup2(to[0], 0);
      ::dup2(from[1], 1);
      ::close_range(3, ~0U, 0);
      if (uid != 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(uid, uid, uid) != 0 ||
            ::setresuid(uid, uid, uid) != 0)
          ::_exit(250);
      }
      ::umask(0);
      serve(0, 1);
      ::_exit(0);
    }
    ::close(to[0]);
    ::close(from[1]);
    out_ = ::fdopen(to[1], "w");
    in_ = ::fdopen(from[0], "r");
  }
  ~Actor() {
    std::fclose(out_);
    std::fclose(in_);
    ::waitpid(pid_, nullptr, 0);
  }
  uid_t uid() const { return uid_; }
  int run(const std::string& line) {
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
    int e = -1;
    if (std::fscanf(in_, "%d", &e) != 1) return -1;
    return e;
  }

 private:
  static void serve(int in_fd, int out_fd) {
    FILE* in = ::fdopen(in_fd, "r");
    FILE* out = ::fdopen(out_fd, "w");
    char buf[4096];
    while (std::fgets(buf, sizeof buf, in)) {
      std::istringstream cmd(buf);
      std::string op, a, b;
      cmd >> op >> a >> b;
      int e = 0;
      if (op == "mkdir")
        e = ::mkdir(a.c_str(), std::stoul(b, nullptr, 8)) == 0 ? 0 : errno;
      else if (op == "rmdir")
        e = rmdir_errno(a);
      else if (op == "rename")
        e = rename_errno(a, b);
      else if (op == "write")
        e = write_file(a, b);
      else if (op == "chmod")
        e = chmod_errno(a, std::stoul(b, nullptr, 8));
      else if (op == "chown")
        e = chown_errno(a, std::stoul(b), static_cast<gid_t>(-1));
      std::fprintf(out, "%d\n", e);
      std::fflush(out);
    }
  }

  uid_t uid_;
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  FILE* in_ = nullptr;
};

std::string cgroup_for(const std::string& group) {
  std::string out;
  std::size_t i = 0;
  while (i < group.size()) {
    std::size_t j = group.find('/', i + 1);
    if (j == std::string::npos) j = group.size();
    out += "/fsched-" + group.substr(i + 1, j - i - 1);
    i = j;
  }
  return out;
}

// Entries readdir listed but stat could not reach, for the failure report.
std::string g_stat_failures;

void scan(const std::string& dir, const std::string& rel, std::map<std::string, MGroup>* groups,
          std::map<std::string, std::vector<std::string>>* procs) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return;
  (*groups)[rel] = MGroup{st.st_uid, st.st_gid, st.st_mode & 07777u};
  for (const auto& name : list(dir)) {
    if (::stat((dir + "/" + name).c_str(), &st) != 0) {
      g_stat_failures += rel + "/" + name + ": " + std::strerror(errno) + "; ";
      continue;
    }
    if (!S_ISDIR(st.st_mode)) continue;
    if (name.find_first_not_of("0123456789") == std::string::npos)
      (*procs)[name].push_back(rel);
    else
      scan(dir + "/" + name, rel + "/" + name, groups, procs);
  }
}

long env_or(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("random operations from three uids agree with the model", "[random]") {
  const unsigned seed = static_cast<unsigned>(env_or("FSCHED_RANDOM_SEED", 20261122));
  // Under emulation (the VM tests) 3000 ops took 42 s on cgroup v2 and
  // 241 s under scx: a third as many still try every kind hundreds of
  // times.
  const long nops = env_or("FSCHED_RANDOM_OPS", std::getenv("FSCHED_TEST_SLOW") ? 1000 : 3000);
  TestRoot root;
  Daemon d(root.path(), {"max_depth=" + std::to_string(kMaxDepth),
                         "max_groups_per_user=" + std::to_string(kPerUser)});
  d.start();
  const std::string m = d.mnt() + "/0";

  Model model;
  std::vector<std::unique_ptr<UserProcess>> procs;
  for (uid_t uid : {0u, 9000u, 9001u})
    for (int i = 0; i < 2; ++i) {
      procs.push_back(std::make_unique<UserProcess>(uid));
      root.adopt(procs.back()->pid());
      model.procs[procs.back()->pid()] = {uid, ""};
    }
  REQUIRE(wait_until([&] { return exists(m + "/" + std::to_string(procs.back()->pid())); }, 3));
  std::vector<std::unique_ptr<Actor>> actors;
  for (uid_t uid : {0u, 9000u, 9001u}) actors.push_back(std::make_unique<Actor>(uid));

  std::mt19937 rng(seed);
  auto pick = [&](auto n) { return static_cast<decltype(n)>(rng() % n); };
  const char* names[] = {"a", "b", "c"};
  const mode_t modes[] = {0755, 0775, 0777, 0700, 01777, 0711};
  std::map<std::string, int> counts;
  long refused = 0;

  for (long n = 0; n < nops; ++n) {
    Actor& actor = *actors[pick(actors.size())];
    const uid_t uid = actor.uid();
    std::vector<std::string> existing;
    for (const auto& [path, g] : model.groups) existing.push_back(path);
    const std::string g = existing[pick(existing.size())];
    const std::string name = names[pick(3)];
    const pid_t pid = procs[pick(procs.size())]->pid();
    std::string what;
    int want = 0, got = 0;
    switch (pick(8)) {
      case 0: {
        mode_t mode = modes[pick(6)];
        char oct[8];
        std::snprintf(oct, sizeof oct, "%o", mode);
        what = "mkdir " + m + g + "/" + name + " " + oct;
        want = model.mkdir(g + "/" + name, mode, uid);
        break;
      }
      case 1:
        if (g.empty()) continue;
        what = "rmdir " + m + g;
        want = model.rmdir(g, uid);
        break;
      case 2: {
        if (g.empty()) continue;
        const std::string to_parent = existing[pick(existing.size())];
        const std::string to = to_parent + "/" + name;
        if (model.groups.count(to) || to == g) continue;
        what = "rename " + m + g + " " + m + to;
        want = model.rename_group(g, to, uid);
        break;
      }
      case 3: {
        const std::string from = model.procs.at(pid).second;
        if (from == g) continue;
        what = "rename " + m + from + "/" + std::to_string(pid) + " " + m + g + "/" +
               std::to_string(pid);
        want = model.mv_process(pid, from, g, uid);
        break;
      }
      case 4:
        what = "write " + m + g + "/tasks " + std::to_string(pid);
        want = model.write_tasks(pid, g, uid);
        break;
      case 5: {
        if (g.empty()) continue;
        mode_t mode = modes[pick(6)];
        char oct[8];
        std::snprintf(oct, sizeof oct, "%o", mode);
        what = "chmod " + m + g + " " + oct;
        want = model.chmod(g, mode, uid);
        break;
      }
      case 6: {
        if (g.empty()) continue;
        uid_t to = std::vector<uid_t>{0, 9000, 9001}[pick(3)];
        what = "chown " + m + g + " " + std::to_string(to);
        want = model.chown(g, to, uid);
        break;
      }
      default: {
        int value = std::vector<int>{50, 100, 300, 0, 20000}[pick(5)];
        what = "write " + m + g + "/cpu.weight " + std::to_string(value);
        want = model.write_weight(g, value, uid);
        break;
      }
    }
    got = actor.run(what);
    const std::string op = what.substr(0, what.find(' '));
    counts[op + (got ? " refused" : " done")]++;
    if (got) ++refused;
    INFO("seed " << seed << ", op " << n << " as uid " << uid << ": " << what);
    REQUIRE(got == want);

    // The tree as root lists it, against the model and the kernel.
    std::map<std::string, MGroup> seen;
    std::map<std::string, std::vector<std::string>> placed;
    g_stat_failures.clear();
    scan(m, "", &seen, &placed);
    INFO("listed but not reachable: " << g_stat_failures);
    REQUIRE(seen.size() == model.groups.size());
    for (const auto& [path, mg] : model.groups) {
      INFO("group 0" << path);
      REQUIRE(seen.count(path));
      CHECK(seen[path].uid == mg.uid);
      CHECK(seen[path].mode == mg.mode);
    }
    for (const auto& [p, pr] : model.procs) {
      INFO("pid " << p);
      auto& where = placed[std::to_string(p)];
      REQUIRE(where.size() == 1);
      REQUIRE(where[0] == pr.second);
      std::string cg = cpu_cgroup_of(p);
      if (pr.second.empty())
        REQUIRE(cg.find("/fsched-") == std::string::npos);
      else
        REQUIRE(cg.find(cgroup_for(pr.second) + "/proc-") != std::string::npos);
    }
  }
  REQUIRE(d.alive());
  std::ostringstream summary;
  for (const auto& [k, v] : counts) summary << k << " " << v << "; ";
  WARN("random: " << nops << " operations, " << refused << " refused: " << summary.str());
}
