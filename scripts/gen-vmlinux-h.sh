#!/usr/bin/env bash
# Makes a vmlinux.h — the kernel's types, sched_ext's included — from the
# BTF of a sched_ext kernel: bpf/vmlinux.h (the host scheduler, 7.2) or
# bpf/guests/vmlinux.h (guests and the cid-form host, 7.3 sub-schedulers). This host's own BTF has no sched_ext, so the
# header comes from the VM kernel once and is committed; rerun it only to
# move to a newer kernel.
#
#   scripts/gen-vmlinux-h.sh [BZIMAGE [OUT]]  (default: $FSCHED_VM_KERNEL, bpf/vmlinux.h)
set -euo pipefail
cd "$(dirname "$0")/.."
kernel=${1:-${FSCHED_VM_KERNEL:-}}
out=${2:-bpf/vmlinux.h}
[ -n "$kernel" ] || { echo "usage: $0 BZIMAGE (or set FSCHED_VM_KERNEL)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A Debian bzImage carries vmlinux as one zstd frame after the boot code:
# find its magic (28 b5 2f fd) and decompress from there. What follows the
# frame is not zstd, so zstd complains at the end; the ELF check decides.
off=$(LC_ALL=C grep -m1 -obUaP '\x28\xb5\x2f\xfd' "$kernel" | head -1 | cut -d: -f1 || true)
[ -n "$off" ] || { echo "$kernel: no zstd payload found" >&2; exit 1; }
tail -c +"$((off + 1))" "$kernel" | zstd -dcq >"$tmp/vmlinux" 2>/dev/null || true
head -c 4 "$tmp/vmlinux" | grep -q ELF || { echo "$kernel: payload is not an ELF vmlinux" >&2; exit 1; }

bpftool btf dump file "$tmp/vmlinux" format c >"$tmp/vmlinux.h"
grep -q "struct sched_ext_ops {" "$tmp/vmlinux.h" ||
  { echo "$kernel: its BTF has no sched_ext types" >&2; exit 1; }
mv "$tmp/vmlinux.h" "$out"
echo "$out: $(wc -c <"$out") bytes from $(basename "$kernel")"
