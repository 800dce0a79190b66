#!/usr/bin/env bash
# Builds and runs the benchmarks (root). Figures go to stdout; copy them
# into docs/benchmarks.md with the date and machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
export FSCHEDFS=$PWD/build/fuse/fschedfs
echo "== bench_move"; ./build/bench/bench_move "${MOVES:-2000}"
echo "== bench_list"; ./build/bench/bench_list "${EXTRA:-2000}" "${ROUNDS:-50}"
