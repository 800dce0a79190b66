#!/usr/bin/env bash
# Installs everything fsched needs to build, run and test, on Debian 12
# (bookworm). Idempotent: a second run installs nothing new.
#
# libbpf >= 1.4 and bpftool >= 7.5 come from bookworm-backports (bookworm's
# libbpf 1.1 cannot create struct_ops links). The backports suite is added
# with the mirror the system already uses; no host name is written here.
set -euo pipefail

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: must run as root (apt-get install)" >&2
    exit 1
  fi
}

# system_mirror: the first Debian mirror in the system's own sources.
. "$(dirname "$0")/mirror.sh"

add_backports() {
  local list=/etc/apt/sources.list.d/fsched-bookworm-backports.list
  [ -f "$list" ] && return 0
  if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  local mirror
  mirror=$(system_mirror | head -n1)
  if [ -z "$mirror" ]; then
    echo "install-deps: no bookworm mirror found in /etc/apt/sources*;" \
         "add bookworm-backports yourself" >&2
    exit 1
  fi
  echo "deb $mirror bookworm-backports main" > "$list"
  FSCHED_APT_UPDATED=0
}

packages=(
  build-essential pkg-config meson ninja-build
  # meson compiles through ccache when it is installed: the test command's
  # later runs on a machine (two full builds, one with sanitizers)
  # recompile only what changed.
  ccache
  libfuse3-dev fuse3 libspdlog-dev catch2
  clang-19 llvm-19 libelf-dev zlib1g-dev
  qemu-system-x86 busybox-static cpio zstd kmod
  procps util-linux tmux
  groff-base man-db
  debootstrap
  libsystemd-dev
  nlohmann-json3-dev gnuplot-nox python3-prometheus-client
)
backports=(libbpf-dev bpftool)

have_all() {
  local p
  for p in "${packages[@]}" "${backports[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
  done
  # libbpf must be the backported one (struct_ops links need >= 1.4).
  dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libbpf-dev)" ge 1:1.4 || return 1
}

if have_all; then
  echo "install-deps: all packages present"
  exit 0
fi
need_root
export DEBIAN_FRONTEND=noninteractive
FSCHED_APT_UPDATED=${FSCHED_APT_UPDATED:-1}
add_backports
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
apt-get install -y -qq --no-install-recommends -t bookworm-backports "${backports[@]}"
echo "install-deps: done"
