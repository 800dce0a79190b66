#include "options.hpp"

#include <fuse_lowlevel.h>

#include <cstdlib>
#include <cstring>

namespace fsched {

namespace {
struct RawOptions {
  char* backend = nullptr;
  char* cgroup_root = nullptr;
  int window_ms = 1000;
};

const fuse_opt kSpec[] = {
    {"backend=%s", offsetof(RawOptions, backend), 0},
    {"cgroup_root=%s", offsetof(RawOptions, cgroup_root), 0},
    {"window_ms=%d", offsetof(RawOptions, window_ms), 0},
    FUSE_OPT_END,
};
}  // namespace

Result<Options> parse_options(fuse_args* args) {
  RawOptions raw;
  if (fuse_opt_parse(args, &raw, kSpec, nullptr) != 0)
    return make_error(EINVAL, "cannot parse options");
  Options o;
  if (raw.backend) o.backend = raw.backend;
  if (raw.cgroup_root) o.cgroup_root = raw.cgroup_root;
  o.window_ms = raw.window_ms;
  std::free(raw.backend);
  std::free(raw.cgroup_root);
  if (o.backend != "auto" && o.backend != "cgroup" && o.backend != "scx")
    return make_error(EINVAL, "backend=" + o.backend + ": expected auto, cgroup or scx");
  if (!o.cgroup_root.empty() && o.cgroup_root.front() != '/')
    return make_error(EINVAL, "cgroup_root must be an absolute path");
  if (o.window_ms < 100 || o.window_ms > 60000)
    return make_error(EINVAL, "window_ms must be within 100..60000");
  return o;
}

}  // namespace fsched
