#!/usr/bin/env bash
# The kernel module (docs/kmod.md) in a VM, run by `meson test` (suite vm):
# builds fsched_proc.ko for the VM's kernel from Debian's headers of the
# same version (kmod/build-for-kernel.sh), boots that kernel and runs
# tests/vm/guest/kmod.sh inside: load, the RFC's session at the RFC's
# paths, unmount, unload.
#
#   tests/vm/kmod.sh BUILD_DIR
#
# The kernel: $FSCHED_VM_KERNEL, else the one tests/vm/fetch-kernel.sh
# gives. Exit 77 (skip) with the reason when QEMU, a kernel or the
# module's build cannot be had.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: kmod.sh BUILD_DIR}" && pwd)
. "$here/kernel.sh"
vm_kernel FSCHED_VM_KERNEL
ko=$("$here/../../kmod/build-for-kernel.sh" "$kernel" "$build/kmod-vm")
rc=$?
[ $rc -eq 77 ] && { echo "SKIP: fsched_proc.ko cannot be built for $kernel here"; exit 77; }
[ $rc -eq 0 ] || { echo "FAIL: building fsched_proc.ko for $kernel"; exit 1; }
echo "module: $ko ($(modinfo -F vermagic "$ko" 2>/dev/null))"
files=("$build/fuse/fschedfs" "$ko")
for tool in fusermount3 taskset; do files+=("$(command -v "$tool")"); done
FSCHED_VM_KERNEL=$kernel FSCHED_VM_ENV="" FSCHED_VM_TIMEOUT=${FSCHED_VM_TIMEOUT:-600} \
  "$here/boot.sh" "$here/guest/kmod.sh" "${files[@]}"
