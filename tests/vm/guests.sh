#!/usr/bin/env bash
# Guest schedulers through fschedfs (docs/guests.md), run by `meson test`
# (suite vm): boots a kernel with sched_ext sub-schedulers (7.3 on) and
# runs tests/vm/guest/guests.sh inside, against backend=scx.
#
#   tests/vm/guests.sh BUILD_DIR
#
# The kernel: $FSCHED_VM_GUEST_KERNEL, else one >= 7.3 that
# tests/vm/fetch-kernel.sh finds in its cache or downloads. Exit 77 (skip)
# when QEMU or such a kernel cannot be had.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: guests.sh BUILD_DIR}" && pwd)
. "$here/kernel.sh"
vm_kernel FSCHED_VM_GUEST_KERNEL 7.3  # sub-schedulers
g=$build/bpf/guests
files=("$build/fuse/fschedfs" "$build/bpf/fsched_scx.bpf.o" "$build/bench/pipe_bench")
for o in rr prio fair error stall greedy unverifiable; do files+=("$g/$o.bpf.o"); done
for tool in fusermount3 taskset setpriv; do files+=("$(command -v "$tool")"); done
# The fair guest's object is fair.bpf.o; the script loads it as fair_guest.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$g/fair.bpf.o" "$tmp/fair_guest.bpf.o"; files+=("$tmp/fair_guest.bpf.o")
FSCHED_VM_KERNEL=$kernel FSCHED_VM_ENV="" FSCHED_VM_TIMEOUT=${FSCHED_VM_TIMEOUT:-600} \
  "$here/boot.sh" "$here/guest/guests.sh" "${files[@]}"
