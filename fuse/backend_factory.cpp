#include "backend_factory.hpp"

#include "backend_cgroup.hpp"
#include "log.hpp"

namespace fsched {

Result<std::unique_ptr<Backend>> make_backend(const Options& options) {
  if (options.backend == "scx")
    return make_error(ENOTSUP,
                      "backend=scx: this build has no sched_ext backend yet; use backend=cgroup");
  // auto: sched_ext is not available to this build, so the kernel's fair
  // class through cgroups it is.
  auto cg = CgroupBackend::create(options.cgroup_root);
  if (!cg) return cg.error();
  return std::unique_ptr<Backend>(std::move(cg.value()));
}

}  // namespace fsched
