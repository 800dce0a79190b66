// Loader of fsched_scx.bpf.c: RAII owners for the skeleton and the
// struct_ops link, libbpf's messages into spdlog.
#include "scx_scheduler.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <fstream>
#include <mutex>

#include "fsched_scx.h"
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

struct SkelDeleter {
  void operator()(fsched_scx* s) const { fsched_scx__destroy(s); }
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

struct Scheduler::Impl {
  std::unique_ptr<fsched_scx, SkelDeleter> skel;
  std::unique_ptr<bpf_link, LinkDeleter> link;
};

Scheduler::Scheduler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scheduler::~Scheduler() = default;  // the link goes first, then the skeleton

Result<std::unique_ptr<Scheduler>> Scheduler::load(const Knobs& knobs,
                                                   const std::vector<std::uint64_t>& idle) {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(print_libbpf); });
  if (auto why = unavailable_reason(); !why.empty()) return make_error(ENOTSUP, why);

  auto impl = std::make_unique<Impl>();
  impl->skel.reset(fsched_scx__open());
  if (!impl->skel) return make_error(errno ? errno : EIO, "cannot open the BPF scheduler");
  impl->skel->rodata->slice_ns = knobs.slice_ns;
  if (int e = fsched_scx__load(impl->skel.get()))
    return make_error(-e, std::string("the kernel refused the BPF scheduler: ") +
                              std::strerror(-e) + " (libbpf's messages above say why)");
  std::uint32_t one = 1;
  for (std::uint64_t id : idle)
    bpf_map__update_elem(impl->skel->maps.idle_seed, &id, sizeof id, &one, sizeof one, BPF_ANY);
  impl->link.reset(bpf_map__attach_struct_ops(impl->skel->maps.fsched_ops));
  if (!impl->link) {
    int e = errno ? errno : EIO;
    return make_error(e, std::string("cannot attach the BPF scheduler: ") + std::strerror(e));
  }
  return std::unique_ptr<Scheduler>(new Scheduler(std::move(impl)));
}

std::optional<ExitInfo> Scheduler::exited() const {
  auto& x = impl_->skel->bss->exit_info;
  std::int64_t kind = __atomic_load_n(&x.kind, __ATOMIC_ACQUIRE);
  if (kind == 0) return std::nullopt;
  ExitInfo info;
  info.kind = kind;
  info.code = x.exit_code;
  info.reason.assign(x.reason, strnlen(x.reason, sizeof x.reason));
  info.message.assign(x.msg, strnlen(x.msg, sizeof x.msg));
  return info;
}

std::optional<std::uint64_t> Scheduler::cgroup_runtime_ns(std::uint64_t id) const {
  fsched_cg_runtime rt{};
  if (bpf_map__lookup_elem(impl_->skel->maps.cg_runtime, &id, sizeof id, &rt, sizeof rt, 0) != 0)
    return std::nullopt;
  return rt.runtime_ns;
}

std::optional<std::uint64_t> Scheduler::process_runtime_ns(pid_t pid) const {
  std::uint32_t key = static_cast<std::uint32_t>(pid);
  std::uint64_t ns = 0;
  if (bpf_map__lookup_elem(impl_->skel->maps.proc_runtime, &key, sizeof key, &ns, sizeof ns, 0) !=
      0)
    return std::nullopt;
  return ns;
}

}  // namespace fsched::scx
