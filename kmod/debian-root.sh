# Sourced by kmod/build-for-kernel.sh and kmod/checkpatch.sh: a Debian sid
# root (debootstrap, minbase) for building kernel modules against Debian's
# kernel packages, cached in $FSCHED_KMOD_CACHE (default
# /var/cache/fsched/kmod). It has its own apt sources (sid and
# experimental, at the mirror the system's own sources name) and its own
# package state: nothing is installed on, or added to, the system.
#
# kmod_root_setup sets $kmod_root, or prints why not and exits 77.
# kmod_chroot CMD... runs CMD in it with /proc mounted (objtool reads it)
# in a mount namespace of its own, so no mount outlives the command.

kmod_cache=${FSCHED_KMOD_CACHE:-/var/cache/fsched/kmod}

kmod_skip() { echo "SKIP: $*" >&2; exit 77; }

kmod_root_setup() {
  local here mirror tmp
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  [ "$(id -u)" -eq 0 ] || kmod_skip "needs root (debootstrap, chroot)"
  command -v debootstrap >/dev/null || kmod_skip "debootstrap is not installed"
  command -v unshare >/dev/null || kmod_skip "unshare is not installed"
  . "$here/../scripts/mirror.sh"
  mirror=$(system_mirror | head -n1)
  [ -n "$mirror" ] || kmod_skip "no Debian mirror in the system's apt sources"
  mkdir -p "$kmod_cache"
  exec 8>"$kmod_cache/lock"
  flock -w 1800 8 || kmod_skip "another build holds $kmod_cache/lock"
  kmod_root=$kmod_cache/sid-root
  if [ ! -f "$kmod_root/.fsched-ready" ]; then
    # Built aside and renamed, so an interrupted run leaves no half root.
    tmp=$kmod_cache/sid-root.new
    rm -rf "$tmp" "$kmod_root"
    debootstrap --variant=minbase --include=make,kmod,dkms,openssl sid "$tmp" "$mirror" \
      >"$kmod_cache/debootstrap.log" 2>&1 ||
      kmod_skip "debootstrap sid from $mirror failed (no network?): $kmod_cache/debootstrap.log"
    printf 'deb %s sid main\ndeb %s experimental main\n' "$mirror" "$mirror" \
      >"$tmp/etc/apt/sources.list"
    # A mirror kept as a snapshot serves Release files past their date.
    echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99fsched"
    touch "$tmp/.fsched-ready"
    mv "$tmp" "$kmod_root"
  fi
  kmod_chroot apt-get -qq update >/dev/null 2>&1 ||
    kmod_skip "apt-get update in $kmod_root failed (no network?)"
}

kmod_chroot() {
  unshare -m --propagation private \
    sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' "$kmod_root" "$@"
}
