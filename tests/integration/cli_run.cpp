#include "cli_run.hpp"

#include "harness.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace it {

std::string cli_dir() {
  const char* d = std::getenv("FSCHED_CLI");
  return d ? d : "";
}

std::string cli_skip_reason() {
  const std::string d = cli_dir();
  if (d.empty()) return "FSCHED_CLI does not name the directory of the built fsched";
  for (const char* f : {"fsched", "piglet", "io"})
    if (::access((d + "/" + f).c_str(), X_OK) != 0) return d + "/" + f + " is missing";
  return "";
}

Command::Command(const std::vector<std::string>& argv, const Options& o) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setsid();
    ::dup2(p[1], 1);
    ::dup2(p[1], 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) ::_exit(126);
    if (o.cpu0) {
      pin_to_cpu0();
    }
    if (o.uid != 0) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(o.uid) != 0 || ::setuid(o.uid) != 0)
        ::_exit(126);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(p[1]);
  fd_ = p[0];
  ::fcntl(fd_, F_SETFL, O_NONBLOCK);
}

Command::~Command() {
  if (status_ < 0 && pid_ > 0) {
    // spawn kills what it started on SIGTERM; give it the chance.
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 30 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i) ::usleep(100000);
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (fd_ >= 0) ::close(fd_);
}

const std::string& Command::poll_output() {
  char buf[4096];
  ssize_t n;
  while (fd_ >= 0 && (n = ::read(fd_, buf, sizeof buf)) > 0)
    out_.append(buf, static_cast<size_t>(n));
  return out_;
}

int Command::wait() {
  if (status_ >= 0 || pid_ <= 0) return status_;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, 100);
    poll_output();
    int ws = 0;
    if (::waitpid(pid_, &ws, WNOHANG) == pid_) {
      poll_output();
      status_ = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
      return status_;
    }
  }
}

void Command::terminate(int sig) {
  if (status_ < 0 && pid_ > 0) ::kill(pid_, sig);
}

std::vector<pid_t> tasks_of(const std::string& group_dir) {
  std::vector<pid_t> out;
  std::ifstream in(group_dir + "/tasks");
  for (pid_t p; in >> p;) out.push_back(p);
  return out;
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/fsched-cli-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  ::chmod(tmpl, 0755);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<Command> start_spawn(const std::string& mnt, const std::string& group,
                                     const std::string& conf) {
  std::vector<std::string> argv{cli_dir() + "/fsched", "spawn", "--mount", mnt};
  if (!group.empty()) argv.insert(argv.end(), {"--group", group});
  if (!conf.empty()) argv.push_back(conf);
  return std::make_unique<Command>(argv, in_dir("/", true));
}

double stat_number(const std::string& stats_text, const std::string& key) {
  auto v = stat_value(stats_text, key);
  return v.empty() ? -1 : std::atof(v.c_str());
}

std::vector<pid_t> wait_spawned(const std::string& group_dir, std::size_t n) {
  std::vector<pid_t> pids;
  wait_until(
      [&] {
        pids = tasks_of(group_dir);
        if (pids.size() != n) return false;
        for (pid_t p : pids)
          if (stat_number(read_file(group_dir + "/" + std::to_string(p) + "/stats"), "uid") == 0)
            return false;
        return true;
      },
      10.0);
  return pids;
}

bool put_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
  return static_cast<bool>(f);
}

int run(const std::vector<std::string>& argv, std::string* out, const Command::Options& o) {
  Command c(argv, o);
  int rc = c.wait();
  if (out) *out = c.out();
  return rc;
}

double shown_pct(const std::string& screen, const std::string& label) {
  std::istringstream in(screen);
  for (std::string line; std::getline(in, line);) {
    auto at = line.find(label);
    if (at == std::string::npos) continue;
    std::smatch m;
    std::string rest = line.substr(at + label.size());
    if (std::regex_search(rest, m, std::regex("([0-9]+\\.[0-9])%"))) return std::stod(m[1]);
  }
  return -1;
}

}  // namespace it
