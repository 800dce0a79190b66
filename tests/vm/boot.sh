#!/usr/bin/env bash
# Boots a sched_ext kernel under QEMU (TCG) with a busybox initramfs and
# runs one guest script as init; the guest's output comes back on stdout,
# and the guest's verdict line ("VM-RESULT <rc>") becomes this script's
# exit status. tests/vm/run.sh calls it from the test command.
#
#   tests/vm/boot.sh GUEST_SCRIPT [FILE...]   files are copied into /opt
#
# The kernel is $FSCHED_VM_KERNEL. FSCHED_VM_ENV ("NAME=value ...") is
# exported in the guest before the script runs; FSCHED_VM_TIMEOUT (seconds,
# default 900) bounds one boot. Exit 77 (a skip) when QEMU or a kernel
# cannot be had, saying why.
set -euo pipefail
script=${1:?usage: boot.sh GUEST_SCRIPT [FILE...]}
shift
kernel=${FSCHED_VM_KERNEL:-}
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }
[ -n "$kernel" ] && [ -r "$kernel" ] || { echo "SKIP: set FSCHED_VM_KERNEL to a sched_ext bzImage"; exit 77; }
busybox=$(command -v busybox) || { echo "SKIP: busybox-static is not installed"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,opt,etc}
echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
cp "$script" "$root/opt/guest.sh"
cp "$(dirname "$0")/guest/lib.sh" "$root/opt/lib.sh"
# Split at blanks but not globbed, and quoted for the guest's shell: a value
# may be a Catch2 filter such as [bpf].
set -f
for kv in ${FSCHED_VM_ENV:-}; do printf 'export %q\n' "$kv"; done >"$root/opt/env"
set +f
# Files go to /opt; an ELF program brings its shared libraries (and the
# dynamic loader) at the paths it was linked against.
for f in "$@"; do
  cp -L "$f" "$root/opt/"
  if head -c 4 "$f" | grep -q ELF; then
    for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -Ln "$lib" "$root$lib"
    done
  fi
done
cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
echo VM-INIT-REACHED
. /opt/env
sh /opt/guest.sh
echo "VM-RESULT $?"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

# TCG now and then oopses before init runs: retry a boot that never got
# there, not one whose guest script failed.
for attempt in 1 2 3; do
  timeout "${FSCHED_VM_TIMEOUT:-900}" qemu-system-x86_64 -m 1024 -smp 2 -accel "${FSCHED_VM_ACCEL:-tcg,thread=single}" \
    -kernel "$kernel" -initrd "$work/initrd.gz" \
    -append "console=ttyS0 quiet panic=-1 rdinit=/init" \
    -nographic -no-reboot >"$work/console" 2>&1 || true
  if grep -q VM-INIT-REACHED "$work/console"; then
    tr -d '\r' <"$work/console" | sed -n '/VM-INIT-REACHED/,$p' |
      grep -v -e VM-INIT-REACHED -e '^VM-RESULT' -e '^\[ *[0-9.]*\]' || true
    rc=$(tr -d '\r' <"$work/console" | sed -n 's/^VM-RESULT \([0-9]*\).*/\1/p' | tail -1)
    if [ -z "$rc" ]; then
      echo "the guest never finished its script; the console's last lines:" >&2
      tr -d '\r' <"$work/console" | tail -60 >&2
    fi
    [ -z "${FSCHED_VM_CONSOLE:-}" ] || cp "$work/console" "$FSCHED_VM_CONSOLE"
    exit "${rc:-1}"
  fi
  echo "boot $attempt never reached init; retrying" >&2
done
echo "the VM never reached init in 3 boots; console:" >&2
tail -30 "$work/console" >&2
exit 1
