#!/usr/bin/env bash
# Builds and runs the host benchmarks (root). Figures go to stdout; copy them
# into docs/benchmarks.md with the date and machine. The scheduler's
# benchmarks (pipe_bench, wakeup latency) run in the VM: bench/vm_bench.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
export FSCHEDFS=$PWD/build/fuse/fschedfs
echo "== bench_move"; ./build/bench/bench_move "${MOVES:-2000}"
echo "== bench_list"; ./build/bench/bench_list "${EXTRA:-2000}" "${ROUNDS:-50}"
# shellcheck disable=SC2086
echo "== bench_idle"; ./build/bench/bench_idle "${IDLE_SECONDS:-10}" ${IDLE_COUNTS:-0 2000 10000}
echo "== bench_rules"; ./build/bench/bench_rules "${RULES_PROCS:-5000}" "${STORM_RATE:-1000}" 5 300
