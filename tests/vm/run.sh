#!/usr/bin/env bash
# The VM tests, run by `meson test` (suite vm) from the README's test
# command: boots a kernel with sched_ext under QEMU and runs the root
# integration suite inside, once against backend=scx and once against
# backend=cgroup on cgroup v2 (the build host has v1 and no sched_ext).
#
#   tests/vm/run.sh BUILD_DIR
#
# The kernel: $FSCHED_VM_KERNEL, else the cache tests/vm/fetch-kernel.sh
# fills from the system's Debian mirror. Exit 77 (skip) only when QEMU or a
# kernel cannot be had. The last line sums the Catch2 counts of both runs.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)

. "$here/kernel.sh"
vm_kernel FSCHED_VM_KERNEL

files=("$build/fuse/fschedfs" "$build/tests/integration_tests")
# The fsched command with its workloads and the assignment's spawn.conf
# beside it, as spawn's path rules want.
files+=("$build/cli/fsched" "$build/cli/piglet" "$build/cli/io" "$build/cli/spawn.conf")
for tool in fusermount3 umount taskset setpriv; do files+=("$(command -v "$tool")"); done

# The guests boot side by side: each QEMU (TCG, one thread for its vCPUs)
# keeps one host core busy, and a share measured inside a guest is the
# guest's own scheduler's split, whatever the host does. On a 2-core host
# that halves the suite's time; FSCHED_VM_SERIAL=1 boots one at a time.
backends=${FSCHED_VM_BACKENDS:-scx cgroup}
pids=()
for backend in $backends; do
  log=$build/vm-$backend.log
  echo "=== backend=$backend (log: $log)"
  FSCHED_VM_KERNEL=$kernel FSCHED_VM_ENV="FSCHED_TEST_BACKEND=$backend FSCHED_TEST_EMULATED=1 ${FSCHED_VM_EXTRA_ENV:-}" \
    "$here/boot.sh" "$here/guest/integration.sh" "${files[@]}" >"$log" 2>&1 &
  pids+=($!)
  [ -z "${FSCHED_VM_SERIAL:-}" ] || wait "$!"
done
rcs=()
for pid in "${pids[@]}"; do
  wait "$pid"
  rcs+=($?)
done

# Catch2's console report names a case between two dashed rules, then
# its "FAILED:" checks: the names of the cases that failed.
failed_cases() {
  awk '/^-----/ { if (inhead) { inhead = 0; name = buf } else { inhead = 1; buf = "" }; next }
       inhead { sub(/^ +/, ""); buf = buf (buf == "" ? "" : " ") $0; next }
       /: FAILED:$/ && name != "" && !(name in seen) { seen[name] = 1; print name }' "$1"
}

total=0 passed=0 failed=0 status=0 i=0
for backend in $backends; do
  log=$build/vm-$backend.log
  rc=${rcs[i]}
  i=$((i + 1))
  echo "=== backend=$backend: exit $rc"
  grep -E "warning:|^  [a-z0-9].*(measured|vs|churn|SysRq|moves)" -A1 "$log" | grep -v -e '^--$' -e 'warning:' || true
  if [ "$rc" = 77 ]; then echo "SKIP: $(grep SKIP "$log")"; exit 77; fi
  if m=$(grep -oE "All tests passed \([0-9]+ assertions? in [0-9]+ test cases?\)" "$log"); then
    n=$(echo "$m" | grep -oE "in [0-9]+" | grep -oE "[0-9]+")
    total=$((total + n)); passed=$((passed + n))
  elif m=$(grep -oE "test cases: *[0-9]+ \| *[0-9]+ passed \| *[0-9]+ failed" "$log"); then
    read -r t p f < <(echo "$m" | grep -oE "[0-9]+" | tr '\n' ' ')
    total=$((total + t)); passed=$((passed + p)); failed=$((failed + f))
  else
    echo "backend=$backend: no test summary; the end of the log:"
    tail -40 "$log"
    total=$((total + 1)); failed=$((failed + 1)); status=1
  fi
  if [ "$rc" != 0 ]; then
    status=1
    # Each failed case by name (FAIL lines, which scripts/test.sh lists),
    # then its checks.
    failed_cases "$log" | sed "s/^/FAIL backend=$backend: /"
    grep -B2 -A8 "FAILED" "$log" | head -80
  fi
done
echo "test cases: $total | $passed passed | $failed failed"
exit $status
