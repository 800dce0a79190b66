#!/usr/bin/env bash
# fsched_proc.ko on this machine's own kernel: built against its headers,
# loaded, its two directories checked, unloaded, the directories gone.
# Leaves nothing behind; a module already loaded (an administrator's) is
# left alone. Most of what the module is for is tested in a VM
# (tests/vm/kmod.sh); this says whether the running kernel can take it.
#
#   tests/kmod/host.sh BUILD_DIR      as root; exit 77 (skip) with the reason
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: host.sh BUILD_DIR}" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
[ -e /proc/modules ] ||
  skip "the kernel $(uname -r) has no loadable module support (no /proc/modules); tests/vm/kmod.sh tests the module in a VM"
[ "$(id -u)" -eq 0 ] || skip "needs root (insmod)"
kdir=/lib/modules/$(uname -r)/build
[ -d "$kdir" ] || skip "no headers for $(uname -r) in $kdir (linux-headers-$(uname -r))"
grep -q '^fsched_proc ' /proc/modules && skip "fsched_proc is loaded already; not touching it"
out=$build/kmod-host
rm -rf "$out" && mkdir -p "$out" && cp "$here/../../kmod/"{fsched_proc.c,Kbuild,Makefile} "$out/"
make -C "$out" KDIR="$kdir" >"$out/make.log" 2>&1 || { cat "$out/make.log"; echo "FAIL: build"; exit 1; }
insmod "$out/fsched_proc.ko" || { echo "FAIL: insmod"; exit 1; }
rc=0
[ -d /proc/sched-groups ] && [ -d /proc/schedulers ] || { echo "FAIL: no directories"; rc=1; }
rmmod fsched_proc || { echo "FAIL: rmmod"; exit 1; }
[ ! -e /proc/sched-groups ] && [ ! -e /proc/schedulers ] || { echo "FAIL: left behind"; rc=1; }
[ $rc -eq 0 ] && echo "PASS: loaded, two directories, unloaded, gone"
exit $rc
