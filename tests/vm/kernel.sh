# Sourced by the VM test wrappers (run.sh, kmod.sh, guests.sh,
# guest-spike.sh), which set `here` to tests/vm first.
#
# vm_kernel VAR [MIN_VERSION]: sets `kernel` to the bzImage named by the
# environment variable VAR, or else to one fetch-kernel.sh finds (at least
# MIN_VERSION). Exits 77, a skip, saying why, when QEMU or such a kernel
# cannot be had.
vm_kernel() {
  local min=${2:-}
  command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }
  kernel=${!1:-}
  if [ -z "$kernel" ]; then
    kernel=$(FSCHED_VM_MIN_VERSION=$min "$here/fetch-kernel.sh") ||
      { echo "SKIP: no kernel with sched_ext${min:+ (>= $min)} could be had"; exit 77; }
  fi
  echo "kernel: $kernel"
}
