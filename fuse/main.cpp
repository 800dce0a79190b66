// fschedfs: mounts the sched-groups tree.
//
//   fschedfs [-f] [-d] [-o backend=auto|cgroup|scx,cgroup_root=PATH] MOUNTPOINT
#include <fuse_lowlevel.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "backend_factory.hpp"
#include "fs_context.hpp"
#include "log.hpp"
#include "ops.hpp"
#include "options.hpp"
#include "pidfd_pin.hpp"
#include "process_list.hpp"
#include "result.hpp"
#include "watcher.hpp"

namespace fsched {
namespace {

void usage(const char* prog) {
  std::printf(
      "usage: %s [-f] [-d] [-o OPTION[,OPTION...]] MOUNTPOINT\n\n"
      "fsched options:\n"
      "    -o backend=auto|cgroup|scx  enforcement engine (default: auto)\n"
      "    -o cgroup_root=PATH         where the cgroup backend makes its groups\n"
      "    -o window_ms=N              stats sampling window (default: 1000)\n"
      "    -o max_depth=N              deepest nesting of groups (default: 32)\n"
      "    -o max_groups=N             guest groups in all (default: 4096)\n"
      "    -o max_groups_per_user=N    groups one non-root uid may own (default: 256)\n\n",
      prog);
}

struct FuseArgs {
  fuse_args args;
  FuseArgs(int argc, char** argv) : args(FUSE_ARGS_INIT(argc, argv)) {}
  ~FuseArgs() { fuse_opt_free_args(&args); }
};

struct Session {
  fuse_session* se = nullptr;
  bool mounted = false;
  bool signals = false;
  ~Session() {
    if (!se) return;
    if (signals) fuse_remove_signal_handlers(se);
    if (mounted) fuse_session_unmount(se);
    fuse_session_destroy(se);
  }
};

int run(int argc, char** argv) {
  FuseArgs fa(argc, argv);
  fuse_cmdline_opts cmd{};
  if (fuse_parse_cmdline(&fa.args, &cmd) != 0) return 2;
  std::unique_ptr<char, decltype(&std::free)> mountpoint(cmd.mountpoint, &std::free);
  if (cmd.show_help) {
    usage(argv[0]);
    fuse_cmdline_help();
    fuse_lowlevel_help();
    return 0;
  }
  if (cmd.show_version) {
    std::printf("fschedfs 0.1.0\n");
    fuse_lowlevel_version();
    return 0;
  }
  if (!mountpoint) {
    usage(argv[0]);
    return 2;
  }
  auto options = parse_options(&fa.args);
  if (!options) throw FatalError(options.error().message);
  if (cmd.debug) set_log_level(spdlog::level::debug);
  if (geteuid() != 0)
    throw FatalError("fschedfs must run as root (it moves processes between cgroups)");
  // Everyone may come in. The kernel checks modes from its cache (that is
  // what makes a 0700 group private to path walks it never asks us about)
  // and the daemon checks every change again from the request.
  fuse_opt_add_arg(&fa.args, "-oallow_other,default_permissions");

  auto backend = make_backend(*options);
  if (!backend) throw FatalError(backend.error().message);
  Tree tree(**backend, pin_process, options->limits);
  {
    std::vector<ProcessInfo> procs;
    for (const auto& [pid, st] : list_processes()) {
      if (auto ids = read_proc_ids(pid)) procs.push_back(info_from(st, ids->uid, ids->gid));
    }
    tree.load(procs);
  }
  FsContext ctx(tree);
  ctx.boot_time = boot_time_sec();

  fuse_lowlevel_ops ops = make_ops();
  Session s;
  s.se = fuse_session_new(&fa.args, &ops, sizeof ops, &ctx);
  if (!s.se) throw FatalError("cannot create the FUSE session (bad options?)");
  if (fuse_set_signal_handlers(s.se) != 0) throw FatalError("cannot install signal handlers");
  s.signals = true;
  if (fuse_session_mount(s.se, mountpoint.get()) != 0)
    throw FatalError(std::string("cannot mount on ") + mountpoint.get());
  s.mounted = true;
  // Detach only now, with the mount in place: a script may use the tree
  // as soon as we return. Threads start after the fork.
  fuse_daemonize(cmd.foreground);
  if (!cmd.foreground) log_to_syslog();
  log()->info("mounted on {} with the {} backend", mountpoint.get(), tree.backend().name());

  ctx.se = s.se;
  ctx.invalidator.start(s.se);
  Watcher watcher(ctx, std::chrono::milliseconds(options->window_ms));
  watcher.start();

  int ret;
  if (cmd.singlethread) {
    ret = fuse_session_loop(s.se);
  } else {
    fuse_loop_config* cfg = fuse_loop_cfg_create();
    fuse_loop_cfg_set_clone_fd(cfg, cmd.clone_fd);
    // Unset, the parsed value is UINT_MAX, which libfuse warns about.
    if (cmd.max_threads > 0 && cmd.max_threads <= 100000)
      fuse_loop_cfg_set_max_threads(cfg, cmd.max_threads);
    if (cmd.max_idle_threads <= 100000) fuse_loop_cfg_set_idle_threads(cfg, cmd.max_idle_threads);
    ret = fuse_session_loop_mt(s.se, cfg);
    fuse_loop_cfg_destroy(cfg);
  }
  // On the way out already: a second SIGTERM (or an umount followed by
  // one) must not cut the cleanup short.
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) std::signal(sig, SIG_IGN);
  watcher.stop();
  ctx.invalidator.stop();
  {
    std::unique_lock lock(ctx.mu);
    tree.backend().shutdown();
  }
  log()->info("unmounted {}", mountpoint.get());
  // libfuse reports the signal that ended the loop; that is a clean stop.
  bool by_signal = ret == SIGTERM || ret == SIGINT || ret == SIGHUP;
  return ret == 0 || by_signal ? 0 : 1;
}

}  // namespace
}  // namespace fsched

int main(int argc, char** argv) {
  try {
    return fsched::run(argc, argv);
  } catch (const fsched::FatalError& e) {
    std::fprintf(stderr, "fschedfs: %s\n", e.what());
    return 1;
  }
}
