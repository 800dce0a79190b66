#!/usr/bin/env bash
# Scheduling overhead of the scx backend against the kernel's fair class,
# in one VM boot (QEMU/TCG, 2 vCPUs): pipe_bench (hackbench-like) rounds
# alternating fair / scx; prints each time and the ratio of medians.
# Target: scx / fair <= 1.05. Then wakeup lateness (bench/wakeup_lat) of a
# task in 0 beside four hogs in 0/batch, fair class vs scx, alternating;
# then the daemon's idle cost (bench/bench_idle) on both backends. Share accuracy of both backends comes from
# the VM test logs (build/vm-scx.log, build/vm-cgroup.log).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
kernel=${FSCHED_VM_KERNEL:-$(tests/vm/fetch-kernel.sh)}
out=$(FSCHED_VM_KERNEL=$kernel FSCHED_VM_ENV="FSCHED_BENCH_ARGS=${ARGS:-4_10_200} FSCHED_BENCH_ROUNDS=${ROUNDS:-7} FSCHED_WAKE_ROUNDS=${WAKE_ROUNDS:-3}" \
  tests/vm/boot.sh tests/vm/guest/bench.sh build/fuse/fschedfs build/bench/pipe_bench \
  build/bench/wakeup_lat build/bench/bench_idle "$(command -v fusermount3)")
echo "$out" | grep -E "^(fair|scx|wake-idle|wake-cgroup|wake-scx|idle-cgroup|idle-scx|  )"
echo "$out" | python3 -c '
import statistics, sys
t = {"fair": [], "scx": []}
for line in sys.stdin:
    k, _, v = line.strip().partition(" ")
    if k in t: t[k].append(float(v))
f, s = statistics.median(t["fair"]), statistics.median(t["scx"])
n = len(t["scx"])
print(f"median fair {f:.3f} s, scx {s:.3f} s over {n} rounds: ratio scx/fair {s / f:.3f}")
'
