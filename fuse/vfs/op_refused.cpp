// Operations the tree never allows: it holds groups, processes and the
// files fsched makes; the one file a user creates is a guest scheduler in
// schedulers/ (op_guests.cpp).
#include <cerrno>

#include "ops.hpp"

namespace fsched {

void op_mknod(fuse_req_t req, fuse_ino_t, const char*, mode_t, dev_t) {
  fuse_reply_err(req, EPERM);
}
void op_symlink(fuse_req_t req, const char*, fuse_ino_t, const char*) {
  fuse_reply_err(req, EPERM);
}
void op_link(fuse_req_t req, fuse_ino_t, fuse_ino_t, const char*) {
  fuse_reply_err(req, EPERM);
}
void op_setxattr(fuse_req_t req, fuse_ino_t, const char*, const char*, size_t, int) {
  fuse_reply_err(req, ENOTSUP);
}
void op_getxattr(fuse_req_t req, fuse_ino_t, const char*, size_t) {
  fuse_reply_err(req, ENOTSUP);
}
void op_listxattr(fuse_req_t req, fuse_ino_t, size_t) {
  fuse_reply_err(req, ENOTSUP);
}
void op_removexattr(fuse_req_t req, fuse_ino_t, const char*) {
  fuse_reply_err(req, ENOTSUP);
}

}  // namespace fsched
