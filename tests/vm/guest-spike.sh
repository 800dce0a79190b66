#!/usr/bin/env bash
# The guest-scheduler spike (docs/guests-spike.md), run by `meson test`
# (suite vm): the spike's cid-form host, the rr guest, a guest that fails
# on purpose and a plain libbpf loader, booted on a kernel with sched_ext
# sub-schedulers (7.3 on).
#
#   tests/vm/guest-spike.sh BUILD_DIR
#
# The kernel: $FSCHED_VM_GUEST_KERNEL, else one >= 7.3 that
# tests/vm/fetch-kernel.sh finds in its cache or downloads (suite
# experimental first). Exit 77 (skip) when QEMU or such a kernel cannot be
# had.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: guest-spike.sh BUILD_DIR}" && pwd)
. "$here/kernel.sh"
vm_kernel FSCHED_VM_GUEST_KERNEL 7.3  # sub-schedulers
spike=$build/bpf/spike
FSCHED_VM_KERNEL=$kernel FSCHED_VM_ENV="" FSCHED_VM_TIMEOUT=${FSCHED_VM_TIMEOUT:-300} \
  "$here/boot.sh" "$here/guest/guest-spike.sh" \
  "$spike/spike-load" "$spike/host.bpf.o" "$spike/bad_guest.bpf.o" "$build/bpf/guests/rr.bpf.o" "$build/bpf/guests/prio.bpf.o"
