#include "proc_probe.hpp"

#include <sys/resource.h>

#include <cerrno>

#include "proc_source.hpp"
#include "process_list.hpp"

namespace fsched {

ProcessInfo info_from(const ProcStat& st, uid_t uid, gid_t gid) {
  ProcessInfo info;
  info.pid = st.pid;
  info.ppid = st.ppid;
  info.start_time = st.start_time;
  info.uid = uid;
  info.gid = gid;
  info.nice = st.nice;
  info.kernel_thread = st.kernel_thread();
  return info;
}

std::optional<ProcessInfo> probe_process(pid_t pid, ProcSource& proc) {
  auto st = proc.stat(pid);
  if (!st || st->gone()) return std::nullopt;
  auto ids = proc.ids(pid);
  if (!ids) return std::nullopt;
  return info_from(*st, ids->uid, ids->gid);
}

namespace {
class ProcFs : public ProcSource {
 public:
  std::unordered_map<pid_t, ProcStat> list() override { return list_processes(); }
  std::optional<ProcStat> stat(pid_t pid) override { return read_proc_stat(pid); }
  std::optional<ProcIds> ids(pid_t pid) override { return read_proc_ids(pid); }
  std::vector<pid_t> pids() override { return list_pids(); }
  std::optional<int> nice(pid_t pid) override {
    errno = 0;
    int n = ::getpriority(PRIO_PROCESS, static_cast<id_t>(pid));
    if (n == -1 && errno != 0) return std::nullopt;
    return n;
  }
  std::optional<std::string> exe(pid_t pid) override { return read_proc_exe(pid); }
  std::optional<std::uint64_t> wait_usec(pid_t pid, int threads) override {
    return read_run_delay_usec(pid, threads);
  }
};
}  // namespace

ProcSource& proc_fs() {
  static ProcFs fs;
  return fs;
}

}  // namespace fsched
