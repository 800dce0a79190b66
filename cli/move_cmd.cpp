#include "move_cmd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>

#include "cli_error.hpp"
#include "mount_point.hpp"

namespace fsched::cli {

namespace {
const char* kMoveUsageText = "usage: fsched move [--mount DIR] GROUP PID...";

bool is_number(const std::string& w) {
  std::size_t i = w[0] == '-' || w[0] == '+' ? 1 : 0;
  return i < w.size() && w.find_first_not_of("0123456789", i) == std::string::npos;
}

void report(const std::string& what, int err) {
  std::fprintf(stderr, "%s\n", failure_line(what, err).c_str());
}
}  // namespace

MoveOptions parse_move_args(const std::vector<std::string>& words) {
  MoveOptions o;
  std::vector<std::string> operands;
  bool options = true;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (options && w == "--") {
      options = false;
    } else if (options && w == "--mount") {
      if (i + 1 >= words.size()) throw CliError("--mount needs a value");
      o.mount = words[++i];
    } else if (options && w.size() > 1 && w[0] == '-' && !is_number(w)) {
      // A negative number is a bad PID, reported as such; a word like an
      // option is a mistake in the command line.
      throw CliError("unknown option " + w + " (" + kMoveUsageText + ")");
    } else {
      operands.push_back(w);
    }
  }
  if (operands.empty()) throw CliError(std::string("no GROUP given (") + kMoveUsageText + ")");
  if (operands.size() == 1) throw CliError(std::string("no PID given (") + kMoveUsageText + ")");
  o.group = operands.front();
  o.pids.assign(operands.begin() + 1, operands.end());
  return o;
}

pid_t parse_pid_word(const std::string& word) {
  if (word.empty() || word.find_first_not_of("0123456789") != std::string::npos) return 0;
  long long v = 0;
  auto [p, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || v > std::numeric_limits<pid_t>::max()) return 0;
  return static_cast<pid_t>(v);
}

std::string failure_line(const std::string& what, int err) {
  const char* name = ::strerrorname_np(err);
  return "fsched move: " + what + ": " + std::strerror(err) + " (" +
         (name ? std::string(name) : "errno " + std::to_string(err)) + ")";
}

int move_command(const std::vector<std::string>& words) {
  MoveOptions o;
  std::string tasks;
  try {
    o = parse_move_args(words);
  } catch (const CliError& e) {
    std::fprintf(stderr, "fsched move: %s\n", e.what());
    return kMoveUsage;
  }
  try {
    tasks = tasks_file_of(o.mount, o.group);
  } catch (const CliError& e) {
    std::fprintf(stderr, "fsched move: %s\n", e.what());
    return kMoveSomeFailed;
  }
  const int fd = ::open(tasks.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    report(tasks_error_subject(o.group, err), err);
    return kMoveSomeFailed;
  }
  bool failed = false;
  for (const auto& word : o.pids) {
    int err = EINVAL;
    if (const pid_t pid = parse_pid_word(word); pid > 0) {
      const std::string text = std::to_string(pid) + "\n";
      // At offset 0 every time: the tree takes a write at an offset as the
      // rest of a command cut in two, and refuses it.
      const ssize_t n = ::pwrite(fd, text.data(), text.size(), 0);
      err = n == static_cast<ssize_t>(text.size()) ? 0 : n < 0 ? errno : EIO;
    }
    if (err) {
      failed = true;
      report(word, err);
    }
  }
  ::close(fd);
  return failed ? kMoveSomeFailed : 0;
}

}  // namespace fsched::cli
