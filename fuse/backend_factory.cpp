#include "backend_factory.hpp"

#include "backend_cgroup.hpp"
#include "backend_scx.hpp"
#include "log.hpp"

namespace fsched {

Result<std::unique_ptr<Backend>> make_backend(const Options& options) {
  if (options.backend == "scx") {
    auto scx = ScxBackend::create(options.cgroup_root);
    if (!scx) return scx.error();
    return std::unique_ptr<Backend>(std::move(scx.value()));
  }
  if (options.backend == "auto") {
    auto scx = ScxBackend::create(options.cgroup_root);
    if (scx) return std::unique_ptr<Backend>(std::move(scx.value()));
    log()->info("backend=auto: {}; using the cgroup backend", scx.error().message);
  }
  auto cg = CgroupBackend::create(options.cgroup_root);
  if (!cg) return cg.error();
  return std::unique_ptr<Backend>(std::move(cg.value()));
}

}  // namespace fsched
