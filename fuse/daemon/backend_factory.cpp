#include "backend_factory.hpp"

#include "backend_cgroup.hpp"
#include "backend_scx.hpp"
#include "log.hpp"

namespace fsched {

Result<std::unique_ptr<Backend>> make_backend(std::string_view kind,
                                              const std::string& cgroup_root,
                                              const std::string& guest_dir) {
  scx::Knobs knobs;
  if (kind == "scx") {
    auto scx = ScxBackend::create(cgroup_root, guest_dir, knobs);
    if (!scx) return scx.error();
    return std::unique_ptr<Backend>(std::move(scx.value()));
  }
  if (kind == "auto") {
    auto scx = ScxBackend::create(cgroup_root, guest_dir, knobs);
    if (scx) return std::unique_ptr<Backend>(std::move(scx.value()));
    log()->info("backend=auto: {}; using the cgroup backend", scx.error().message);
  }
  auto cg = CgroupBackend::create(cgroup_root);
  if (!cg) return cg.error();
  return std::unique_ptr<Backend>(std::move(cg.value()));
}

}  // namespace fsched
