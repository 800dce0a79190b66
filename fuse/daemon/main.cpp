// fschedfs: mounts the sched-groups tree.
//
//   fschedfs [-f] [-d] [-o backend=auto|cgroup|scx,cgroup_root=PATH,rules=FILE] MOUNTPOINT
//   fschedfs SOURCE MOUNTPOINT -o OPTIONS     (mount -t fuse.fschedfs, fstab)
//
// The composition root: it builds the layers (backend, tree, FUSE session,
// watcher) and is the one place that starts and stops the daemon's threads
// (docs/design.md, "Threads and locking").
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

#include "backend_factory.hpp"
#include "command_line.hpp"
#include "fs_context.hpp"
#include "log.hpp"
#include "marks_keeper.hpp"
#include "mount_table.hpp"
#include "options.hpp"
#include "pidfd_pin.hpp"
#include "placement_marks.hpp"
#include "placer.hpp"
#include "proc_home.hpp"
#include "proc_probe.hpp"
#include "process_list.hpp"
#include "result.hpp"
#include "rules_reloader.hpp"
#include "service_notify.hpp"
#include "session.hpp"
#include "watcher.hpp"

namespace fsched {
namespace {

void usage(const char* prog) {
  std::printf(
      "usage: %s [-f] [-d] [-o OPTION[,OPTION...]] [SOURCE] MOUNTPOINT\n\n"
      "fsched options:\n"
      "    -o backend=auto|cgroup|scx  enforcement engine (default: auto)\n"
      "    -o cgroup_root=PATH         where the cgroup backend makes its groups\n"
      "    -o guest_dir=PATH|none      where loaded guest schedulers are kept\n"
      "                                (default /var/lib/fsched/guests)\n"
      "    -o state_dir=PATH|none      what a restart takes over: who placed each\n"
      "                                process (default /run/fsched)\n"
      "    -o rules=PATH|none          placement rules (default /etc/fsched/rules\n"
      "                                when it exists); SIGHUP rereads them\n"
      "    -o window_ms=N              stats sampling window (default: 1000)\n"
      "    -o max_depth=N              deepest nesting of groups (default: 32)\n"
      "    -o max_groups=N             guest groups in all (default: 4096)\n"
      "    -o max_groups_per_user=N    groups one non-root uid may own (default: 256)\n\n",
      prog);
}

// Every thread of the daemon besides libfuse's request workers. They start
// only after the detach: fuse_daemonize() forks, and a thread started
// before it would be left behind in the parent, which exits.
class Threads {
 public:
  // `marks_path`: the placement marks' file (placement_marks.hpp); empty
  // for none.
  Threads(Backend& backend, FsContext& ctx, std::chrono::milliseconds window, RulesSource rules,
          std::shared_ptr<const RuleSet> initial_rules, std::string marks_path)
      : backend_(backend),
        ctx_(ctx),
        marks_path_(std::move(marks_path)),
        watcher_(
            ctx.tree, ctx.mu, ctx.stats, [&ctx] { ctx.flush_changes(); }, window),
        placer_(ctx.tree, ctx.mu, [&ctx] { ctx.flush_changes(); }),
        reloader_(std::move(rules), std::move(initial_rules), placer_),
        keeper_(ctx.tree, ctx.mu, marks_path_) {
    watcher_.on_identity([this](const std::vector<pid_t>& pids) { placer_.apply_to(pids); });
  }
  ~Threads() { stop(); }

  void start() {
    backend_.start();  // the backend's own (scx: ejection monitor; v1: accounting queue)
    ctx_.invalidator.start(ctx_.se);
    watcher_.start();  // proc connector events, the sampler
    placer_.adopt_existing(marks_path_.empty() ? SavedMarks{} : take_marks(marks_path_));
    if (!marks_path_.empty()) keeper_.start();  // the marks just taken, written again
    reloader_.start();                          // the first placement, then SIGHUP
    started_ = true;
  }
  // Stops them in reverse order; the backend's last, under the tree's lock
  // as every backend call is.
  void stop() {
    if (!started_) return;
    started_ = false;
    reloader_.stop();
    keeper_.stop();
    watcher_.stop();
    ctx_.invalidator.stop();
    // The keeper's last look, with nothing left to change the tree (the
    // FUSE loop has ended): written only if placements moved since.
    if (!marks_path_.empty()) keeper_.keep();
    std::unique_lock lock(ctx_.mu);
    backend_.shutdown();
  }

 private:
  Backend& backend_;
  FsContext& ctx_;
  std::string marks_path_;
  Watcher watcher_;
  Placer placer_;
  RulesReloader reloader_;
  MarksKeeper keeper_;
  bool started_ = false;
};

int run(int argc, char** argv) {
  block_reload_signal();  // before any thread exists (rules_reloader.hpp)
  CommandLine line = normalize_command_line(argc, argv);
  std::vector<char*> args = c_argv(line);
  FuseSession session(static_cast<int>(args.size()) - 1, args.data());
  if (!session.parsed()) return 2;
  if (session.show_help()) {
    usage(argv[0]);
    FuseSession::print_help();
    return 0;
  }
  if (session.show_version()) {
    std::printf("fschedfs 0.1.0\n");
    FuseSession::print_version();
    return 0;
  }
  if (!session.mountpoint()) {
    usage(argv[0]);
    return 2;
  }
  auto options = parse_options(session.args());
  if (!options) throw FatalError(options.error().message);
  if (session.debug()) set_log_level(spdlog::level::debug);
  if (geteuid() != 0)
    throw FatalError("fschedfs must run as root (it moves processes between cgroups)");
  // Everyone may come in. The kernel checks modes from its cache (that is
  // what makes a 0700 group private to path walks it never asks us about)
  // and the daemon checks every change again from the request.
  session.add_arg("-oallow_other,default_permissions");

  // A bad rules file stops the start with its errors, before anything moves.
  const RulesSource rules_source = RulesSource::from_option(options->rules);
  auto initial_rules = rules_source.load();
  if (!initial_rules)
    throw FatalError("rules: " + rules_source.path + " refused:\n" + initial_rules.error().message);

  auto backend = make_backend(options->backend, options->cgroup_root, options->guest_dir);
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
  ctx.stats_timeout = std::chrono::milliseconds(2 * options->window_ms + 500);

  // /proc/sched-groups: checks the module's directory, pins the module.
  ProcHome proc_home(session.mountpoint());
  // What a daemon killed with SIGKILL left on our mount point.
  auto dead = detach_dead_mount(session.mountpoint());
  if (!dead) throw FatalError(dead.error().message);
  if (*dead)
    log()->warn("detached the dead mount a killed daemon left on {}", session.mountpoint());
  session.mount(ctx);
  // Detach only now, with the mount in place: a script may use the tree
  // as soon as we return.
  session.detach();
  if (!proc_home.active()) session.ready();
  if (!session.foreground()) log_to_syslog();
  log()->info("mounted on {} with the {} backend", session.mountpoint(), tree.backend().name());

  std::string marks_path;  // the mount point is absolute: libfuse resolved it
  if (options->state_dir != "none")
    marks_path = options->state_dir + "/" + marks_file_name(session.mountpoint());
  Threads threads(tree.backend(), ctx, std::chrono::milliseconds(options->window_ms), rules_source,
                  std::move(*initial_rules), std::move(marks_path));
  threads.start();
  // At /proc/sched-groups the parent returns only once /proc/schedulers is
  // bound too, which needs the loop answering.
  std::function<void()> once_answering;
  if (proc_home.active())
    once_answering = [&] {
      proc_home.attach();
      session.ready();
    };
  ServiceNotifier notifier;
  notifier.ready_when_answering(session.mountpoint(),
                                std::string("backend=") + std::string(tree.backend().name()) +
                                    ", mounted on " + session.mountpoint(),
                                once_answering);
  bool clean = session.loop();
  notifier.stopping();
  // The bind on /proc/schedulers goes before the tree's own unmount.
  proc_home.detach();
  threads.stop();
  log()->info("unmounted {}", session.mountpoint());
  return clean ? 0 : 1;
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
