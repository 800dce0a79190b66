#include "terminal.hpp"

#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <ctime>

namespace fsched::cli {

RawTerminal::RawTerminal() {
  if (!::isatty(0) || ::tcgetattr(0, &saved_) != 0) return;
  termios raw = saved_;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
}

RawTerminal::~RawTerminal() {
  if (active_) ::tcsetattr(0, TCSANOW, &saved_);
}

int RawTerminal::wait_key(double seconds) {
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double left = seconds - ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9);
    if (left <= 0) return 0;
    pollfd p{0, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::ceil(left * 1000)));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) {
      // stdin closed (e.g. </dev/null): no keys will come; just wait.
      ::usleep(static_cast<useconds_t>(left * 1e6));
      return 0;
    }
    unsigned char c;
    ssize_t r = ::read(0, &c, 1);
    if (r == 1) return c;
    if (r == 0) {
      ::usleep(static_cast<useconds_t>(left * 1e6));
      return 0;
    }
  }
}

void RawTerminal::size(int* rows, int* cols) {
  winsize w{};
  if (::ioctl(1, TIOCGWINSZ, &w) == 0 && w.ws_row > 0) {
    *rows = w.ws_row;
    *cols = w.ws_col;
  } else {
    *rows = 24;
    *cols = 80;
  }
}

}  // namespace fsched::cli
