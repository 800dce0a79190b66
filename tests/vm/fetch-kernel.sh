#!/usr/bin/env bash
# Prints the path of a bzImage with sched_ext for the VM tests, downloading
# it first if the cache has none: Debian's cloud kernel from suite sid (or
# trixie-backports), fetched with a private apt state directory so the
# system's own apt sources and package state are never touched.
#
#   tests/vm/fetch-kernel.sh            cache: $FSCHED_VM_CACHE or
#                                       /var/cache/fsched/vm (root) or
#                                       ~/.cache/fsched/vm
# FSCHED_VM_MIN_VERSION (e.g. 7.3, for sched_ext sub-schedulers) asks for a
# kernel at least that new; suite experimental is searched first then.
# Exit 77 with a reason on stderr when no kernel can be had (no network,
# no mirror, no apt).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/mirror.sh"

if [ -n "${FSCHED_VM_CACHE:-}" ]; then cache=$FSCHED_VM_CACHE
elif [ "$(id -u)" = 0 ]; then cache=/var/cache/fsched/vm
else cache=${XDG_CACHE_HOME:-$HOME/.cache}/fsched/vm; fi
min=${FSCHED_VM_MIN_VERSION:-}
# A kernel asked for by version has a cache of its own, so the plain VM
# tests keep the kernel they were written against.
[ -z "$min" ] || cache=$cache/min-$min
mkdir -p "$cache"
# VM tests run side by side and may ask for the same kernel at once.
exec 9>"$cache/lock"
flock -w 900 9 || { echo "another download holds $cache/lock" >&2; exit 77; }

new_enough() { # vmlinuz-VERSION...
  local v=${1##*/vmlinuz-}
  [ -z "$min" ] || [ "$(printf '%s\n%s\n' "$min" "$v" | sort -V | head -n1)" = "$min" ]
}
found=""
for f in $(ls -1 "$cache"/vmlinuz-* 2>/dev/null | sort -V); do new_enough "$f" && found=$f; done
if [ -n "$found" ]; then echo "$found"; exit 0; fi

command -v apt-get >/dev/null || { echo "no apt-get to download a kernel with" >&2; exit 77; }
mirror=$(system_mirror | head -n1)
[ -n "$mirror" ] || { echo "no Debian mirror in the system's apt sources" >&2; exit 77; }

state=$cache/apt
mkdir -p "$state/lists/partial" "$state/archives/partial" "$state/pkgs"
: >"$state/status"
apt_opts=(-o Dir::State::Lists="$state/lists" -o Dir::State::Status="$state/status"
  -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::Cache="$state" -o Dir::Cache::Archives="$state/archives"
  -o APT::Get::List-Cleanup=0 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

suites="sid trixie-backports"
[ -z "$min" ] || suites="experimental $suites"
for suite in $suites; do
  echo "deb $mirror $suite main" >"$state/sources.list"
  apt-get "${apt_opts[@]}" -qq update >&2 || continue
  # linux-image-cloud-amd64 -> linux-image-X-cloud-amd64 -> (newer Debian)
  # linux-binary-X-cloud-amd64, which holds /boot/vmlinuz-X.
  pkg=linux-image-cloud-amd64
  for depth in 1 2 3 4; do
    (cd "$state/pkgs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" -qq download "$pkg" >&2) || break
    deb=$(ls "$state/pkgs"/*.deb | head -n1)
    # Old packages keep it in /boot, newer ones in /usr/lib/modules/VERSION.
    img=$(dpkg-deb -c "$deb" | grep -oE '\./(boot/vmlinuz-[^ ]+|usr/lib/modules/[^/ ]+/vmlinuz)$' |
      head -n1 || true)
    if [ -n "$img" ]; then
      x=$(mktemp -d)
      dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$x" "$img"
      case $img in
        */boot/*) name=$(basename "$img") ;;
        *) name=vmlinuz-$(basename "$(dirname "$img")") ;;
      esac
      if new_enough "$name"; then
        cp "$x/$img" "$cache/$name"
        rm -rf "$x"
        echo "$cache/$name"
        exit 0
      fi
      rm -rf "$x"
      break
    fi
    next=$(dpkg-deb -f "$deb" Depends | tr ',|' '\n\n' | sed 's/^ *//; s/[ (].*//' |
      grep -E '^linux-(image|binary)-[0-9]' | head -n1 || true)
    [ -n "$next" ] || break
    pkg=$next
  done
done
echo "could not download a cloud kernel${min:+ >= $min} from $mirror ($suites)" >&2
exit 77
