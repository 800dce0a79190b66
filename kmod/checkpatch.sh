#!/usr/bin/env bash
# The kernel's own style check on the module: scripts/checkpatch.pl
# --strict, taken from Debian's linux-source package (cached beside the
# root of kmod/debian-root.sh).
#
#   kmod/checkpatch.sh          as root; exit 77 when it cannot be had
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/debian-root.sh"
ck=$kmod_cache/checkpatch
if [ ! -f "$ck/scripts/checkpatch.pl" ]; then
  kmod_root_setup
  rm -rf "$kmod_root/tmp/src" "$ck.new"
  mkdir -p "$kmod_root/tmp/src" "$ck.new"
  kmod_chroot sh -c 'cd /tmp/src && apt-get -qq download linux-source' >/dev/null 2>&1 ||
    kmod_skip "linux-source cannot be downloaded"
  # linux-source depends on linux-source-X.Y, which holds the tarball.
  dep=$(dpkg-deb -f "$kmod_root"/tmp/src/linux-source_*.deb Depends | sed 's/[ (].*//')
  kmod_chroot sh -c "cd /tmp/src && apt-get -qq download $dep" >/dev/null 2>&1 ||
    kmod_skip "$dep cannot be downloaded"
  dpkg-deb --fsys-tarfile "$kmod_root"/tmp/src/"$dep"_*.deb |
    tar -x -O --wildcards './usr/src/linux-source-*.tar.xz' |
    tar -xJ -C "$ck.new" --strip-components=1 --wildcards \
      '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
  rm -rf "$kmod_root/tmp/src" "$ck"
  mv "$ck.new" "$ck"
fi
cd "$here"
perl "$ck/scripts/checkpatch.pl" --strict --no-tree -f fsched_proc.c
