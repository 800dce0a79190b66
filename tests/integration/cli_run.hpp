// Running the fsched command and its workloads from tests: $FSCHED_CLI is
// the directory holding fsched, piglet, io and spawn.conf (build/cli).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace it {

// Empty when the CLI can be run, else why not.
std::string cli_skip_reason();
std::string cli_dir();

// A command running in a session of its own, stdout and stderr into one
// pipe; killed (its whole session) when dropped.
class Command {
 public:
  struct Options {
    std::string cwd;
    bool cpu0 = false;  // pinned to CPU 0, as every share test
    uid_t uid = 0;      // run as this uid when not 0
  };
  Command(const std::vector<std::string>& argv, const Options& options);
  ~Command();
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  pid_t pid() const { return pid_; }
  // Waits for the exit; the output so far is in out().
  int wait();
  // Reads what is there now (non-blocking).
  const std::string& poll_output();
  const std::string& out() const { return out_; }
  void terminate(int sig);

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = -1;
  std::string out_;
};

inline Command::Options in_dir(std::string cwd, bool cpu0 = false) {
  Command::Options o;
  o.cwd = std::move(cwd);
  o.cpu0 = cpu0;
  return o;
}
inline Command::Options as_uid(uid_t uid) {
  Command::Options o;
  o.uid = uid;
  return o;
}

// Creates (or replaces) a file with this text; false on failure.
bool put_file(const std::string& path, const std::string& text);

// The pids in a group's tasks file.
std::vector<pid_t> tasks_of(const std::string& group_dir);
// A fresh directory under /tmp, mode 0755 (spawned users must reach their
// programs in it), removed with its contents when dropped.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Tests that run the CLI return early, saying why, where they cannot.
#define SKIP_UNLESS_CLI_READY()                             \
  do {                                                      \
    if (auto why = ::it::skip_reason(); !why.empty()) {     \
      WARN("skipped: " << why);                             \
      return;                                               \
    }                                                       \
    if (auto why = ::it::cli_skip_reason(); !why.empty()) { \
      WARN("skipped: " << why);                             \
      return;                                               \
    }                                                       \
  } while (0)

// `fsched spawn --group GROUP` (GROUP relative to the mount, e.g. 0/fs;
// empty: no --group, the children stay where spawn is) with CONF (empty: the spawn.conf beside fsched), from /, pinned to CPU 0.
std::unique_ptr<Command> start_spawn(const std::string& mnt, const std::string& group,
                                     const std::string& conf = "");
// Waits (up to 10 s) until `n` processes are in the group and none of them
// runs as root any more (spawn has set their uids); returns their pids.
std::vector<pid_t> wait_spawned(const std::string& group_dir, std::size_t n);
// The value of `key` in a stats file's text, -1 when absent.
double stat_number(const std::string& stats_text, const std::string& key);

// Runs to the end; returns the exit status, output in *out.
int run(const std::vector<std::string>& argv, std::string* out, const Command::Options& o = {});

// The first percentage after `label` on its line in `fsched top`'s text,
// -1 when absent.
double shown_pct(const std::string& screen, const std::string& label);

}  // namespace it
