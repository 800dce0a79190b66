#include "session.hpp"

#include <fuse_lowlevel.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ops.hpp"
#include "result.hpp"

namespace fsched {

struct FuseSession::State {
  fuse_args args;
  fuse_cmdline_opts cmd{};
  fuse_lowlevel_ops ops{};
  fuse_session* se = nullptr;
  bool signals = false;
  bool mounted = false;
  int ready_fd = -1;  // the pipe's write end the parent waits on
};

FuseSession::FuseSession(int argc, char** argv) : s_(std::make_unique<State>()) {
  s_->args = FUSE_ARGS_INIT(argc, argv);
  parsed_ = fuse_parse_cmdline(&s_->args, &s_->cmd) == 0;
}

FuseSession::~FuseSession() {
  if (s_->se) {
    if (s_->signals) fuse_remove_signal_handlers(s_->se);
    if (s_->mounted) fuse_session_unmount(s_->se);
    fuse_session_destroy(s_->se);
  }
  std::free(s_->cmd.mountpoint);
  fuse_opt_free_args(&s_->args);
}

bool FuseSession::show_help() const {
  return s_->cmd.show_help;
}
bool FuseSession::show_version() const {
  return s_->cmd.show_version;
}
bool FuseSession::foreground() const {
  return s_->cmd.foreground;
}
bool FuseSession::debug() const {
  return s_->cmd.debug;
}
const char* FuseSession::mountpoint() const {
  return s_->cmd.mountpoint;
}
fuse_args* FuseSession::args() {
  return &s_->args;
}

void FuseSession::add_arg(const char* arg) {
  if (fuse_opt_add_arg(&s_->args, arg) != 0) throw FatalError("out of memory");
}

void FuseSession::print_help() {
  fuse_cmdline_help();
  fuse_lowlevel_help();
}

void FuseSession::print_version() {
  fuse_lowlevel_version();
}

void FuseSession::mount(FsContext& ctx) {
  s_->ops = make_ops();
  s_->se = fuse_session_new(&s_->args, &s_->ops, sizeof s_->ops, &ctx);
  if (!s_->se) throw FatalError("cannot create the FUSE session (bad options?)");
  if (fuse_set_signal_handlers(s_->se) != 0) throw FatalError("cannot install signal handlers");
  s_->signals = true;
  if (fuse_session_mount(s_->se, s_->cmd.mountpoint) != 0)
    throw FatalError(std::string("cannot mount on ") + s_->cmd.mountpoint);
  s_->mounted = true;
  ctx.se = s_->se;
}

void FuseSession::detach() {
  if (s_->cmd.foreground) {
    // As fuse_daemonize(): no directory of the caller's stays busy.
    if (::chdir("/") != 0) throw FatalError("chdir /: " + std::string(std::strerror(errno)));
    return;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw FatalError("pipe: " + std::string(std::strerror(errno)));
  pid_t pid = ::fork();
  if (pid < 0) throw FatalError("fork: " + std::string(std::strerror(errno)));
  if (pid > 0) {
    ::close(fds[1]);
    char status = 1;
    ssize_t n;
    do n = ::read(fds[0], &status, 1);
    while (n < 0 && errno == EINTR);
    ::_exit(n == 1 && status == 0 ? 0 : 1);
  }
  ::close(fds[0]);
  s_->ready_fd = fds[1];
  if (::setsid() < 0 || ::chdir("/") != 0)
    throw FatalError("detaching: " + std::string(std::strerror(errno)));
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
    if (null > 2) ::close(null);
  }
}

void FuseSession::ready() {
  if (s_->ready_fd < 0) return;
  char ok = 0;
  if (::write(s_->ready_fd, &ok, 1) != 1) {
    // The parent is gone already; nothing waits.
  }
  ::close(s_->ready_fd);
  s_->ready_fd = -1;
}

bool FuseSession::loop() {
  int ret;
  if (s_->cmd.singlethread) {
    ret = fuse_session_loop(s_->se);
  } else {
    fuse_loop_config* cfg = fuse_loop_cfg_create();
    fuse_loop_cfg_set_clone_fd(cfg, s_->cmd.clone_fd);
    // Unset, the parsed value is UINT_MAX, which libfuse warns about.
    if (s_->cmd.max_threads > 0 && s_->cmd.max_threads <= 100000)
      fuse_loop_cfg_set_max_threads(cfg, s_->cmd.max_threads);
    if (s_->cmd.max_idle_threads <= 100000)
      fuse_loop_cfg_set_idle_threads(cfg, s_->cmd.max_idle_threads);
    ret = fuse_session_loop_mt(s_->se, cfg);
    fuse_loop_cfg_destroy(cfg);
  }
  // On the way out already: a second SIGTERM (or an umount followed by
  // one) must not cut the cleanup short.
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) std::signal(sig, SIG_IGN);
  // libfuse reports the signal that ended the loop; that is a clean stop.
  return ret == 0 || ret == SIGTERM || ret == SIGINT || ret == SIGHUP;
}

}  // namespace fsched
