// The daemon's FUSE session: FUSE's own command line, the mount, the
// detach, the request loop and the unmount. With the ops, the only code
// that sees libfuse's low-level API.
#pragma once

#include <memory>
#include <string>

#include "fs_context.hpp"

struct fuse_args;

namespace fsched {

class FuseSession {
 public:
  // Parses FUSE's part of the command line; our -o options stay in args()
  // for parse_options() to take out.
  FuseSession(int argc, char** argv);
  ~FuseSession();
  FuseSession(const FuseSession&) = delete;
  FuseSession& operator=(const FuseSession&) = delete;

  bool parsed() const { return parsed_; }
  bool show_help() const;
  bool show_version() const;
  bool foreground() const;
  bool debug() const;
  const char* mountpoint() const;
  fuse_args* args();
  void add_arg(const char* arg);
  static void print_help();
  static void print_version();

  // Creates the session over `ctx` and mounts it; throws FatalError.
  void mount(FsContext& ctx);
  // Detaches from the terminal unless -f, as fuse_daemonize does (fork,
  // setsid, stdio on /dev/null), but the parent exits only when the child
  // calls ready(): 0 then, 1 if the child ends first. The process that
  // returns here is a new one, so threads start only afterwards.
  void detach();
  // Lets the waiting parent exit; once, and a no-op in the foreground.
  void ready();
  // Serves requests until unmount or a signal; true on a clean end.
  bool loop();

 private:
  struct State;
  std::unique_ptr<State> s_;
  bool parsed_ = false;
};

}  // namespace fsched
