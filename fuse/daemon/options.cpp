#include "options.hpp"

#include <fuse_opt.h>

#include <cstdlib>
#include <cstring>

namespace fsched {

namespace {
struct RawOptions {
  char* backend = nullptr;
  char* cgroup_root = nullptr;
  char* guest_dir = nullptr;
  char* state_dir = nullptr;
  char* rules = nullptr;
  int window_ms = 1000;
  int max_depth = Limits{}.max_depth;
  int max_groups = Limits{}.max_groups;
  int max_groups_per_user = Limits{}.max_groups_per_user;
};

const fuse_opt kSpec[] = {
    {"backend=%s", offsetof(RawOptions, backend), 0},
    {"cgroup_root=%s", offsetof(RawOptions, cgroup_root), 0},
    {"guest_dir=%s", offsetof(RawOptions, guest_dir), 0},
    {"state_dir=%s", offsetof(RawOptions, state_dir), 0},
    {"rules=%s", offsetof(RawOptions, rules), 0},
    {"window_ms=%d", offsetof(RawOptions, window_ms), 0},
    {"max_depth=%d", offsetof(RawOptions, max_depth), 0},
    {"max_groups=%d", offsetof(RawOptions, max_groups), 0},
    {"max_groups_per_user=%d", offsetof(RawOptions, max_groups_per_user), 0},
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
  if (raw.guest_dir) o.guest_dir = raw.guest_dir;
  if (raw.state_dir) o.state_dir = raw.state_dir;
  if (raw.rules) o.rules = raw.rules;
  o.window_ms = raw.window_ms;
  o.limits = Limits{raw.max_depth, raw.max_groups, raw.max_groups_per_user};
  std::free(raw.backend);
  std::free(raw.cgroup_root);
  std::free(raw.guest_dir);
  std::free(raw.state_dir);
  std::free(raw.rules);
  if (o.backend != "auto" && o.backend != "cgroup" && o.backend != "scx")
    return make_error(EINVAL, "backend=" + o.backend + ": expected auto, cgroup or scx");
  if (!o.cgroup_root.empty() && o.cgroup_root.front() != '/')
    return make_error(EINVAL, "cgroup_root must be an absolute path");
  if (o.guest_dir != "none" && (o.guest_dir.empty() || o.guest_dir.front() != '/'))
    return make_error(EINVAL, "guest_dir must be an absolute path or none");
  if (o.state_dir != "none" && (o.state_dir.empty() || o.state_dir.front() != '/'))
    return make_error(EINVAL, "state_dir must be an absolute path or none");
  if (o.rules != "none" && !o.rules.empty() && o.rules.front() != '/')
    return make_error(EINVAL, "rules must be an absolute path or none");
  if (o.window_ms < 100 || o.window_ms > 60000)
    return make_error(EINVAL, "window_ms must be within 100..60000");
  // The cgroup backend spells each level as a directory of up to 71
  // bytes; 64 levels stay well inside PATH_MAX.
  if (o.limits.max_depth < 1 || o.limits.max_depth > 64)
    return make_error(EINVAL, "max_depth must be within 1..64");
  if (o.limits.max_groups < 1 || o.limits.max_groups > 1000000)
    return make_error(EINVAL, "max_groups must be within 1..1000000");
  if (o.limits.max_groups_per_user < 0 || o.limits.max_groups_per_user > o.limits.max_groups)
    return make_error(EINVAL, "max_groups_per_user must be within 0..max_groups");
  return o;
}

}  // namespace fsched
