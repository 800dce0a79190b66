// Loader of fsched_scx.bpf.c: RAII owners for the skeleton and the
// struct_ops link, libbpf's messages into spdlog.
#include "scx_scheduler.hpp"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <fstream>
#include <mutex>
#include <vector>

#include "fsched_scx.h"
#include "fsched_host.skel.h"
#include "fsched_scx.skel.h"

namespace fsched::scx {
namespace {

std::shared_ptr<spdlog::logger> logger() {
  auto l = spdlog::get("fsched");
  return l ? l : spdlog::default_logger();
}

int print_libbpf(enum libbpf_print_level level, const char* fmt, va_list args) {
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, fmt, args);
  std::string line(buf);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  switch (level) {
    case LIBBPF_WARN:
      logger()->warn("libbpf: {}", line);
      break;
    case LIBBPF_INFO:
      logger()->info("libbpf: {}", line);
      break;
    default:
      logger()->debug("libbpf: {}", line);
      break;
  }
  return 0;
}

std::string read_line(const char* path) {
  std::ifstream in(path);
  std::string s;
  std::getline(in, s);
  return s;
}

// The two forms of fsched_scx.bpf.c (bpf/README.md): their skeletons have
// the same maps and globals by name, so one loader serves both.
template <class Skel>
struct SkelOps;
template <>
struct SkelOps<fsched_scx> {
  static constexpr Form form = Form::cpu;
  static fsched_scx* open() { return fsched_scx__open(); }
  static int load(fsched_scx* s) { return fsched_scx__load(s); }
  static void destroy(fsched_scx* s) { fsched_scx__destroy(s); }
};
template <>
struct SkelOps<fsched_host> {
  static constexpr Form form = Form::cid;
  static fsched_host* open() { return fsched_host__open(); }
  static int load(fsched_host* s) { return fsched_host__load(s); }
  static void destroy(fsched_host* s) { fsched_host__destroy(s); }
};

template <class Skel>
struct SkelDeleter {
  void operator()(Skel* s) const { SkelOps<Skel>::destroy(s); }
};
struct LinkDeleter {
  void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};

const char* kind_name(std::int64_t kind) {
  switch (kind) {
    case 1:
      return "done";
    case 64:
      return "unregistered by user space";
    case 65:
      return "unregistered by the BPF program";
    case 66:
      return "unregistered by the kernel";
    case 67:
      return "SysRq-S";
    case 1024:
      return "error";
    case 1025:
      return "error in the BPF program";
    case 1026:
      return "watchdog: a runnable task stalled";
    default:
      return "exit";
  }
}

}  // namespace

std::string ExitInfo::describe() const {
  std::string s = std::string(kind_name(kind)) + " (kind " + std::to_string(kind) + ")";
  if (!reason.empty()) s += ": " + reason;
  if (!message.empty()) s += " — " + message;
  return s;
}

std::string unavailable_reason() {
  std::string state = read_line("/sys/kernel/sched_ext/state");
  if (state.empty())
    return "this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT, Linux 6.12 or later; "
           "/sys/kernel/sched_ext/state is missing)";
  if (state != "disabled") {
    std::string ops = read_line("/sys/kernel/sched_ext/root/ops");
    return "another sched_ext scheduler is loaded (state " + state +
           (ops.empty() ? "" : ", ops " + ops) + ")";
  }
  return "";
}

bool kernel_hosts_guests() {
  btf* vmlinux = btf__load_vmlinux_btf();
  if (!vmlinux) return false;
  bool yes = btf__find_by_name_kind(vmlinux, "scx_bpf_sub_grant", BTF_KIND_FUNC) > 0 &&
             btf__find_by_name_kind(vmlinux, "sched_ext_ops_cid", BTF_KIND_STRUCT) > 0;
  btf__free(vmlinux);
  return yes;
}

namespace {
// Whether this kernel's struct `type` has a member `member` (its BTF).
bool kernel_has_member(const char* type, const char* member) {
  btf* vmlinux = btf__load_vmlinux_btf();
  if (!vmlinux) return false;
  bool yes = false;
  if (int id = btf__find_by_name_kind(vmlinux, type, BTF_KIND_STRUCT); id > 0) {
    const btf_type* t = btf__type_by_id(vmlinux, id);
    const btf_member* m = btf_members(t);
    for (int i = 0; i < btf_vlen(t) && !yes; ++i, ++m)
      yes = std::strcmp(btf__name_by_offset(vmlinux, m->name_off), member) == 0;
  }
  btf__free(vmlinux);
  return yes;
}
}  // namespace

// What the daemon needs of a loaded scheduler, whichever form it is.
struct Scheduler::Impl {
  virtual ~Impl() = default;
  virtual Form form() const = 0;
  virtual std::optional<ExitInfo> exited() const = 0;
  virtual std::optional<std::uint64_t> cgroup_runtime_ns(std::uint64_t id) const = 0;
  virtual std::optional<Bandwidth> cgroup_bandwidth(std::uint64_t id) const = 0;
  virtual std::optional<std::uint64_t> process_runtime_ns(pid_t pid) const = 0;
  virtual std::optional<GuestExit> take_guest_exit(std::uint64_t cgroup_id) = 0;
  virtual int link_fd() const = 0;
};

namespace {

template <class Skel>
class LoadedScheduler final : public Scheduler::Impl {
 public:
  static Result<std::unique_ptr<Scheduler::Impl>> load(const Knobs& knobs,
                                                       const std::vector<std::uint64_t>& idle) {
    auto impl = std::make_unique<LoadedScheduler>();
    impl->skel_.reset(SkelOps<Skel>::open());
    if (!impl->skel_) return make_error(errno ? errno : EIO, "cannot open the BPF scheduler");
    impl->skel_->rodata->slice_ns = knobs.slice_ns;
    if constexpr (SkelOps<Skel>::form == Form::cpu) {
      // cpu.max reaches a scheduler from Linux 6.17 on; before, the
      // struct_ops member is missing and libbpf would refuse the object.
      if (!kernel_has_member("sched_ext_ops", "cgroup_set_bandwidth")) {
        impl->skel_->struct_ops.fsched_ops->cgroup_set_bandwidth = nullptr;
        bpf_program__set_autoload(impl->skel_->progs.fsched_cgroup_set_bandwidth, false);
      }
    }
    if (int e = SkelOps<Skel>::load(impl->skel_.get()))
      return make_error(-e, std::string("the kernel refused the BPF scheduler: ") +
                                std::strerror(-e) + " (libbpf's messages above say why)");
    std::uint32_t one = 1;
    for (std::uint64_t id : idle)
      bpf_map__update_elem(impl->skel_->maps.idle_seed, &id, sizeof id, &one, sizeof one,
                           BPF_ANY);
    if constexpr (SkelOps<Skel>::form == Form::cid) {
      // Guests' CPU time comes from sched_switch (fsched_host.bpf.h).
      impl->switch_link_.reset(bpf_program__attach(impl->skel_->progs.fsched_switch));
      if (!impl->switch_link_) {
        int e = errno ? errno : EIO;
        return make_error(e, std::string("cannot attach the scheduler's sched_switch program: ") +
                                 std::strerror(e));
      }
    }
    impl->link_.reset(bpf_map__attach_struct_ops(impl->skel_->maps.fsched_ops));
    if (!impl->link_) {
      int e = errno ? errno : EIO;
      return make_error(e, std::string("cannot attach the BPF scheduler: ") + std::strerror(e));
    }
    return std::unique_ptr<Scheduler::Impl>(std::move(impl));
  }

  ~LoadedScheduler() override {
    // The struct_ops link goes first (the kernel hands every task back),
    // then the tracing link, then the object.
    link_.reset();
    switch_link_.reset();
  }

  Form form() const override { return SkelOps<Skel>::form; }
  int link_fd() const override { return link_ ? bpf_link__fd(link_.get()) : -1; }

  std::optional<ExitInfo> exited() const override {
    auto& x = skel_->bss->exit_info;
    std::int64_t kind = __atomic_load_n(&x.kind, __ATOMIC_ACQUIRE);
    if (kind == 0) return std::nullopt;
    ExitInfo info;
    info.kind = kind;
    info.code = x.exit_code;
    info.reason.assign(x.reason, strnlen(x.reason, sizeof x.reason));
    info.message.assign(x.msg, strnlen(x.msg, sizeof x.msg));
    return info;
  }

  // cg_runtime is per CPU: the sum of every possible CPU's value.
  std::optional<std::uint64_t> cgroup_runtime_ns(std::uint64_t id) const override {
    static const int ncpus = libbpf_num_possible_cpus();
    if (ncpus <= 0) return std::nullopt;
    std::vector<fsched_cg_runtime> rt(static_cast<std::size_t>(ncpus));
    if (bpf_map__lookup_elem(skel_->maps.cg_runtime, &id, sizeof id, rt.data(),
                             rt.size() * sizeof rt[0], 0) != 0)
      return std::nullopt;
    std::uint64_t ns = 0;
    for (const auto& r : rt) ns += r.runtime_ns;
    return ns;
  }

  // cg_bw's value is struct fsched_cg_bw followed by the BPF side's timer.
  std::optional<Bandwidth> cgroup_bandwidth(std::uint64_t id) const override {
    std::vector<unsigned char> value(bpf_map__value_size(skel_->maps.cg_bw));
    if (value.size() < sizeof(fsched_cg_bw) ||
        bpf_map__lookup_elem(skel_->maps.cg_bw, &id, sizeof id, value.data(), value.size(), 0) != 0)
      return std::nullopt;
    fsched_cg_bw bw{};
    std::memcpy(&bw, value.data(), sizeof bw);
    return Bandwidth{bw.nr_periods, bw.nr_throttled, bw.throttled_ns};
  }

  std::optional<std::uint64_t> process_runtime_ns(pid_t pid) const override {
    std::uint32_t key = static_cast<std::uint32_t>(pid);
    std::uint64_t ns = 0;
    if (bpf_map__lookup_elem(skel_->maps.proc_runtime, &key, sizeof key, &ns, sizeof ns, 0) != 0)
      return std::nullopt;
    return ns;
  }

  std::optional<GuestExit> take_guest_exit(std::uint64_t id) override {
    if constexpr (SkelOps<Skel>::form == Form::cid) {
      fsched_guest_exit x{};
      if (bpf_map__lookup_and_delete_elem(skel_->maps.guest_exits, &id, sizeof id, &x, sizeof x,
                                          0) != 0)
        return std::nullopt;
      GuestExit g;
      g.kind = x.kind;
      g.reason.assign(x.reason, strnlen(x.reason, sizeof x.reason));
      g.message.assign(x.msg, strnlen(x.msg, sizeof x.msg));
      g.runtime_ns = x.runtime_ns;
      g.overruns = x.overruns;
      return g;
    } else {
      (void)id;
      return std::nullopt;
    }
  }

 private:
  std::unique_ptr<Skel, SkelDeleter<Skel>> skel_;
  std::unique_ptr<bpf_link, LinkDeleter> switch_link_;
  std::unique_ptr<bpf_link, LinkDeleter> link_;
};

}  // namespace

std::string GuestExit::describe() const {
  ExitInfo e;
  e.kind = kind;
  e.reason = reason;
  e.message = message;
  return e.describe();
}

Scheduler::Scheduler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scheduler::~Scheduler() = default;

Result<std::unique_ptr<Scheduler>> Scheduler::load(const Knobs& knobs,
                                                   const std::vector<std::uint64_t>& idle) {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(print_libbpf); });
  if (auto why = unavailable_reason(); !why.empty()) return make_error(ENOTSUP, why);
  Form form = knobs.form;
  if (form == Form::automatic) form = kernel_hosts_guests() ? Form::cid : Form::cpu;
  auto impl = form == Form::cid ? LoadedScheduler<fsched_host>::load(knobs, idle)
                                : LoadedScheduler<fsched_scx>::load(knobs, idle);
  if (!impl) return impl.error();
  return std::unique_ptr<Scheduler>(new Scheduler(std::move(impl.value())));
}

Form Scheduler::form() const { return impl_->form(); }
int Scheduler::link_fd() const { return impl_->link_fd(); }
std::optional<ExitInfo> Scheduler::exited() const { return impl_->exited(); }
std::optional<std::uint64_t> Scheduler::cgroup_runtime_ns(std::uint64_t id) const {
  return impl_->cgroup_runtime_ns(id);
}
std::optional<Bandwidth> Scheduler::cgroup_bandwidth(std::uint64_t id) const {
  return impl_->cgroup_bandwidth(id);
}
std::optional<std::uint64_t> Scheduler::process_runtime_ns(pid_t pid) const {
  return impl_->process_runtime_ns(pid);
}
std::optional<GuestExit> Scheduler::take_guest_exit(std::uint64_t cgroup_id) {
  return impl_->take_guest_exit(cgroup_id);
}

}  // namespace fsched::scx
