#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a mounted tree: installs what
# is needed, builds, mounts /run/sched-groups with the default backend and
# replays the guest-scheduler RFC's session (one CPU hog in 0, two in
# 0/guest, all on CPU 0), printing the measured split. The tree stays
# mounted to explore; `umount /run/sched-groups` takes it down and keeps
# 0/guest for the next mount (groups outlive the daemon, as cgroupfs
# directories do).
# Idempotent: run it again and it rebuilds, remounts and replays.
#
#   scripts/demo.sh --clean   removes what the demo made (0/guest, whose
#                             cgroups outlive umount) and unmounts
set -euo pipefail
cd "$(dirname "$0")/.."
MNT=${FSCHED_MNT:-/run/sched-groups}
SECONDS_TO_RUN=${FSCHED_DEMO_SECONDS:-5}

if [ "${1:-}" = --clean ]; then
  # The group goes through the tree, which removes its cgroups (or
  # whatever the backend keeps); a mount of the last build reaches it.
  if ! mountpoint -q "$MNT"; then
    [ -x build/fuse/fschedfs ] || { echo "demo.sh --clean: no build to mount $MNT with; nothing done" >&2; exit 1; }
    mkdir -p "$MNT"
    ./build/fuse/fschedfs "$MNT"
  fi
  if [ -d "$MNT/0/guest" ]; then
    rmdir "$MNT/0/guest" || { echo "demo.sh --clean: $MNT/0/guest is in use; $MNT stays mounted" >&2; exit 1; }
    echo "== removed $MNT/0/guest"
  fi
  umount "$MNT"
  rmdir "$MNT" 2>/dev/null || true
  echo "== $MNT unmounted; nothing of the demo is left"
  exit 0
elif [ $# -gt 0 ]; then
  echo "usage: scripts/demo.sh [--clean]" >&2
  exit 2
fi

bash scripts/install-deps.sh
bash scripts/build.sh

if mountpoint -q "$MNT"; then
  echo "== $MNT is mounted: unmounting it to mount the fresh build"
  umount "$MNT"
fi
mkdir -p "$MNT"
./build/fuse/fschedfs "$MNT"
echo "== mounted: $(grep " $MNT " /proc/mounts)"

hogs=()
cleanup() { [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null || true; }
trap cleanup EXIT

run() { echo "# $*"; "$@"; }
echo "== the RFC's session"
[ -d "$MNT/0/guest" ] || run mkdir "$MNT/0/guest"
for _ in 1 2 3; do
  # setsid: each hog is its own session, so autogroup gives each in 0 its own weight
  setsid taskset -c 0 bash -c 'while true; do true; done' &
  hogs+=($!)
done
sleep 0.3
echo "# three CPU hogs on CPU 0: ${hogs[*]}"
run mv "$MNT/0/${hogs[1]}" "$MNT/0/guest/"
run mv "$MNT/0/${hogs[2]}" "$MNT/0/guest/"
echo "# ...wait ${SECONDS_TO_RUN}s..."
declare -A before
for p in "${hogs[@]}"; do before[$p]=$(awk '{print $14+$15}' "/proc/$p/stat"); done
sleep "$SECONDS_TO_RUN"
total=0
declare -A used
for p in "${hogs[@]}"; do
  used[$p]=$(( $(awk '{print $14+$15}' "/proc/$p/stat") - ${before[$p]} ))
  total=$(( total + ${used[$p]} ))
done
run ls "$MNT/0/guest"
printf '%-8s %-12s %s\n' PID GROUP SHARE
for p in "${hogs[@]}"; do
  group=0; [ -d "$MNT/0/guest/$p" ] && group=0/guest
  awk -v u="${used[$p]}" -v t="$total" -v p="$p" -v g="$group" \
    'BEGIN { printf "%-8s %-12s %.1f%%\n", p, g, 100 * u / t }'
done
echo "# cat $MNT/0/guest/stats"
cat "$MNT/0/guest/stats"
echo "== done; the hogs are stopped and $MNT stays mounted (umount $MNT to end;"
echo "   0/guest outlives it, as cgroupfs directories do: scripts/demo.sh --clean removes it)"
