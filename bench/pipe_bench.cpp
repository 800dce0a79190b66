// A hackbench-like messaging benchmark: GROUPS groups of SENDERS sender and
// as many receiver processes; each sender writes LOOPS 100-byte messages to
// every receiver of its group through pipes. Prints the wall time in
// seconds. Used to compare a scheduler's overhead with the fair class's
// (bench/vm_bench.sh).
//
//   pipe_bench [GROUPS=4] [SENDERS=10] [LOOPS=50]
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {
constexpr int kMessage = 100;

[[noreturn]] void receiver(int fd, long expect) {
  char buf[kMessage];
  long got = 0;
  while (got < expect * kMessage) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) ::_exit(1);
    got += n;
  }
  ::_exit(0);
}

[[noreturn]] void sender(const std::vector<int>& fds, int loops) {
  char buf[kMessage] = {};
  for (int l = 0; l < loops; ++l)
    for (int fd : fds)
      if (::write(fd, buf, sizeof buf) != kMessage) ::_exit(1);
  ::_exit(0);
}
}  // namespace

int main(int argc, char** argv) {
  int groups = argc > 1 ? std::atoi(argv[1]) : 4;
  int senders = argc > 2 ? std::atoi(argv[2]) : 10;
  int loops = argc > 3 ? std::atoi(argv[3]) : 50;
  if (groups < 1 || senders < 1 || loops < 1) {
    std::fprintf(stderr, "usage: pipe_bench [GROUPS] [SENDERS] [LOOPS]\n");
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> kids;
  for (int g = 0; g < groups; ++g) {
    std::vector<int> write_ends;
    for (int r = 0; r < senders; ++r) {
      int p[2];
      if (::pipe(p) != 0) return 1;
      pid_t pid = ::fork();
      if (pid == 0) {
        ::close(p[1]);
        receiver(p[0], static_cast<long>(senders) * loops);
      }
      kids.push_back(pid);
      ::close(p[0]);
      write_ends.push_back(p[1]);
    }
    for (int s = 0; s < senders; ++s) {
      pid_t pid = ::fork();
      if (pid == 0) sender(write_ends, loops);
      kids.push_back(pid);
    }
    for (int fd : write_ends) ::close(fd);
  }
  int failed = 0;
  for (pid_t k : kids) {
    int st = 0;
    ::waitpid(k, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) ++failed;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.4f\n", secs);
  return failed ? 1 : 0;
}
