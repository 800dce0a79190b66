#!/usr/bin/env bash
# Builds fsched_proc.ko for a Debian kernel image (the VM tests' kernels)
# as DKMS builds it on an installed system: in the cached sid root of
# kmod/debian-root.sh, with that kernel's linux-headers and linux-kbuild
# packages of exactly the image's Debian version, and the compiler they
# depend on (the one that built the kernel), `dkms install` runs with our
# dkms.conf. Prints the module's path.
#
#   kmod/build-for-kernel.sh BZIMAGE OUTDIR     as root
# Exit 77 (a skip) with the reason when it cannot be built here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${1:?usage: build-for-kernel.sh BZIMAGE OUTDIR}
out=${2:?usage: build-for-kernel.sh BZIMAGE OUTDIR}
. "$here/debian-root.sh"

# The bzImage's setup header points at its version string:
# "RELEASE (builder) #1 SMP ... Debian DEBIAN-VERSION (date)".
read -r release debver < <(python3 - "$image" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
(off,) = struct.unpack_from("<H", data, 0x20E)
text = data[off + 0x200:off + 0x400].split(b"\0")[0].decode()
words = text.split()
print(words[0], words[words.index("Debian") + 1] if "Debian" in words else "")
PY
)
[ -n "$debver" ] || kmod_skip "$image is not a Debian kernel (version: $release)"

kmod_root_setup
pkg=linux-headers-$release
kmod_chroot env DEBIAN_FRONTEND=noninteractive apt-get -qq -y --no-install-recommends \
  install "$pkg=$debver" >"$kmod_cache/apt-$release.log" 2>&1 ||
  kmod_skip "$pkg $debver cannot be installed from the mirror (gone from sid/experimental?): $kmod_cache/apt-$release.log"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$here/dkms.conf")
src=$kmod_root/usr/src/fsched-proc-$version
rm -rf "$src"
mkdir -p "$src"
cp "$here/fsched_proc.c" "$here/Kbuild" "$here/Makefile" "$here/dkms.conf" "$src/"
kmod_chroot dkms remove "fsched-proc/$version" --all >/dev/null 2>&1 || true
kmod_chroot dkms install "fsched-proc/$version" -k "$release" >"$kmod_cache/dkms-$release.log" 2>&1 || {
  cat "$kmod_cache/dkms-$release.log" >&2
  find "$kmod_root/var/lib/dkms/fsched-proc" -name make.log -exec cat {} + >&2 || true
  echo "dkms install fsched-proc/$version -k $release failed" >&2
  exit 1
}
ko=$kmod_root/var/lib/dkms/fsched-proc/$version/$release/x86_64/module/fsched_proc.ko
[ -f "$ko" ] || { echo "dkms built no $ko" >&2; exit 1; }
# The compiler that built the kernel built the module too: the same GCC
# release. The mirror keeps only the newest Debian revision of a compiler,
# so a newer revision of that release is said, not refused.
want=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="[^ ]* \(.*\)"/\1/p' "$kmod_root/usr/src/linux-headers-$release/.config")
got=$(strings -a "$ko" | sed -n 's/^GCC: //p' | head -n1)
if [ "$got" != "$want" ]; then
  [ "${got##* }" = "${want##* }" ] ||
    { echo "fsched_proc.ko was built by GCC $got, the kernel by $want" >&2; exit 1; }
  echo "note: the kernel was built by GCC $want, the module by $got (same release)" >&2
fi
mkdir -p "$out"
cp "$ko" "$out/fsched_proc.ko"
echo "$out/fsched_proc.ko"
