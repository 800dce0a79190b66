// A guest scheduler as a compiled BPF object: what it is (inspect), whether
// the kernel takes it (verify), and one running instance on a cgroup
// (GuestLink). libbpf stays behind this header. docs/guests.md has the
// user's view, fsched_host.bpf.h the host's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.hpp"

namespace fsched::scx {

struct GuestObject {
  std::string ops_name;  // the struct_ops' .name
  // The object's `const volatile` knobs (.rodata globals) and their values
  // as numbers, in the order the object declares them.
  std::vector<std::pair<std::string, std::uint64_t>> knobs;
};

// Reads what the object is, without the kernel: an ELF BPF object with one
// cid-form sched_ext struct_ops (struct sched_ext_ops_cid). EINVAL with
// the reason otherwise.
Result<GuestObject> inspect_guest(std::string_view elf);

// Loads the object's programs into the kernel (the verifier runs) and
// unloads them again; EINVAL with the verifier's last lines on refusal.
Status verify_guest(std::string_view elf);

// The object with a knob set (a `const volatile` integer global), for
// `fsched guest load --set`: the ELF image with the new initial value.
Result<std::string> set_guest_knob(std::string_view elf, std::string_view knob,
                                   std::uint64_t value);

// One instance of a guest, attached as the sub-scheduler of a cgroup v2
// directory. Destroying it detaches the guest (the kernel hands its tasks
// back to the host).
class GuestLink {
 public:
  // EBUSY: the cgroup or one above or below has a scheduler of its own;
  // ENODEV: no host scheduler; EINVAL: the kernel refused the object.
  static Result<std::unique_ptr<GuestLink>> attach(std::string_view elf, std::uint64_t cgroup_id);
  ~GuestLink();
  GuestLink(const GuestLink&) = delete;
  GuestLink& operator=(const GuestLink&) = delete;

  struct Impl;

 private:
  explicit GuestLink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fsched::scx
