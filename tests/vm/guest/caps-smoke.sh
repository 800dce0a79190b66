# Guest script: cpu.max and cpuset.cpus under backend=scx (issue 16).
# Boot it with the daemon and bpftool, e.g.
#   FSCHED_VM_KERNEL=/work/shared/vm/vmlinuz-7.2.13-cloud-amd64 tests/vm/boot.sh \
#     tests/vm/guest/caps-smoke.sh build/fuse/fschedfs $(command -v taskset) \
#     $(command -v bpftool)
# Shares are measured on accumulated utime+stime (/proc/PID/stat), over
# guest time, so TCG's slowness does not skew them. Exit 1 when a share is
# off by more than the tolerance.
mount -t cgroup2 none /sys/fs/cgroup || exit 1
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control || exit 1
# E (set up before the scheduler loads): a cgroup capped before it came
# sees its cap through cgroup_init's arguments.
mkdir /sys/fs/cgroup/pre && echo "20000 100000" >/sys/fs/cgroup/pre/cpu.max
taskset -c 1 sh -c 'while :; do :; done' & e1=$!
echo $e1 >/sys/fs/cgroup/pre/cgroup.procs
mkdir -p /run/sg
/opt/fschedfs -f -o backend=scx /run/sg >/tmp/daemon.log 2>&1 &
d=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -d /run/sg/0 ] && break; sleep 0.5; done
echo "state: $(cat /sys/kernel/sched_ext/state) ops: $(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)"
echo "kernel $(uname -r); $(grep -o 'scx backend: .*' /tmp/daemon.log | head -1)"
PATH=/opt:$PATH
fail=0
window=${CAPS_WINDOW:-6}

hog() { taskset -c "$1" sh -c 'while :; do :; done' & }
hog_free() { sh -c 'while :; do :; done' & }
ticks() { cut -d' ' -f14,15 "/proc/$1/stat" | awk '{print $1 + $2}'; }
# Idle time of CPUs 0 and 1 (/proc/stat, USER_HZ = 100 per second).
idle_cs() { awk '/^cpu0 / { a = $5 } /^cpu1 / { b = $5 } END { print a, b }' /proc/stat; }
uptime_cs() { awk '{printf "%d\n", $1 * 100}' /proc/uptime; }
# The cgroup v2 directory of fsched group NAME (the cgroup backend's fsched-NAME).
cgdir() { find /sys/fs/cgroup -type d -name "fsched-$1" | head -1; }

# measure LABEL PID... : prints each pid's share of one CPU in % over the
# window, and sets SHARES to them in order.
measure() {
  label=$1; shift
  i0=$(idle_cs); t0=$(uptime_cs); s0=""
  for p in "$@"; do s0="$s0 $(ticks "$p")"; done
  sleep "$window"
  i1=$(idle_cs); t1=$(uptime_cs); s1=""
  for p in "$@"; do s1="$s1 $(ticks "$p")"; done
  SHARES=$(echo "$s0 | $s1 | $t0 $t1" | awk '{
    n = 0; for (i = 1; $i != "|"; i++) a[++n] = $i; i++
    for (j = 1; j <= n; j++) b[j] = $(i + j - 1); i += n + 1
    dt = $(i + 1) - $i
    for (j = 1; j <= n; j++) printf "%.1f ", (b[j] - a[j]) * 100 / dt }')
  echo "$label: shares of one CPU (%): $SHARES (over $(((t1 - t0))) cs; idle % of CPU 0, 1: $(echo "$i0 $i1 $t0 $t1" |
    awk '{ printf "%.1f, %.1f", ($3 - $1) * 100 / ($6 - $5), ($4 - $2) * 100 / ($6 - $5) }'))"
}
# check WHAT VALUE WANT TOL
check() {
  if echo "$2 $3 $4" | awk '{ d = $1 - $2; if (d < 0) d = -d; exit !(d <= $3) }'; then
    echo "  ok   $1: $2 (want $3 +- $4)"
  else
    echo "  FAIL $1: $2 (want $3 +- $4)"; fail=1
  fi
}
sum() { echo "$@" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.1f", s }'; }
nth() { echo "$SHARES" | awk -v n="$1" '{ print $n }'; }
bw_dump() {
  echo "  cg_bw (cpu.stat-like, per capped cgroup id; $1 is $(stat -c %i "$2" 2>/dev/null)):"
  bpftool map dump name cg_bw 2>&1 | grep -E '"key"|nr_periods|nr_throttled|throttled_ns' | tr -d ' \n' |
    sed 's/"key"/\n    key/g'; echo
}

# --- E: the cap set before the scheduler loaded (if the daemon left the
# hog where it was); measured first, its hog ended before the rest.
if grep -q '^0::/pre$' /proc/$e1/cgroup; then
  measure "E capped 20% before the scheduler loaded" $e1
  check "E pre-existing cap" "$(nth 1)" 20 3
else
  echo "E skipped: the hog left /pre ($(cat /proc/$e1/cgroup))"
fi
kill $e1; wait $e1 2>/dev/null

# --- A: cpu.max 25000 100000 on a group of two hogs pinned to CPU 0.
mkdir /run/sg/0/g || fail=1
hog 0; a1=$!; hog 0; a2=$!
mv /run/sg/0/$a1 /run/sg/0/$a2 /run/sg/0/g/ || fail=1
G=$(cgdir g)
echo "group g is $G; a hog's cgroup: $(cat /proc/$a1/cgroup)"
echo "25000 100000" >"$G/cpu.max" || fail=1
echo "cpu.max: $(cat "$G/cpu.max")"
sleep 1
measure "A cap 25%" $a1 $a2
check "A group g under 25000/100000" "$(sum $SHARES)" 25 3
check "A each hog" "$(nth 1)" 12.5 3
bw_dump g "$G"
echo "max 100000" >"$G/cpu.max" || fail=1
sleep 1
measure "A uncapped" $a1 $a2
check "A group g uncapped (CPU 0 alone)" "$(sum $SHARES)" 100 4
kill $a1 $a2; wait $a1 $a2 2>/dev/null

# --- B: cpuset.cpus 0 on g (two unpinned hogs), one unpinned hog in the root.
p=/sys/fs/cgroup
for part in $(echo "${G#/sys/fs/cgroup/}" | tr / ' '); do
  echo +cpuset >"$p/cgroup.subtree_control" 2>/dev/null || echo "  (+cpuset in $p refused)"
  p=$p/$part
done
echo 0 >"$G/cpuset.cpus" || fail=1
echo "cpuset.cpus.effective of g: $(cat "$G/cpuset.cpus.effective")"
hog_free; b1=$!; hog_free; b2=$!; hog_free; r=$!
mv /run/sg/0/$b1 /run/sg/0/$b2 /run/sg/0/g/ || fail=1
sleep 1
echo "affinity: $(grep Cpus_allowed_list /proc/$b1/status) / root hog $(grep Cpus_allowed_list /proc/$r/status)"
measure "B cpus 0 for g, root hog free" $b1 $b2 $r
check "B confined hog 1" "$(nth 1)" 50 5
check "B confined hog 2" "$(nth 2)" 50 5
check "B root hog" "$(nth 3)" 100 5
# --- F: the same, plus a hog pinned to CPU 1 in a group f capped at 20 %:
# whenever f is throttled, CPU 1 must find the free hog (work-conserving):
# 20 % for f's hog, the 180 % left between g and the root hog.
mkdir /run/sg/0/f || fail=1
hog 1; f1=$!
mv /run/sg/0/$f1 /run/sg/0/f/ || fail=1
echo "20000 100000" >"$(cgdir f)/cpu.max" || fail=1
sleep 1
measure "F as B, plus f's hog pinned to CPU 1 capped 20%" $b1 $b2 $r $f1
check "F capped hog on CPU 1" "$(nth 4)" 20 3
# Reported, not checked: some idle remains on CPU 1 (see the report).
echo "  F both CPUs' hogs together: $(sum $SHARES) % of 200"
echo "  g: $(sum "$(nth 1)" "$(nth 2)") %, root hog: $(nth 3) % (water-filling: 90 / 90)"
kill $f1; wait $f1 2>/dev/null
kill $b1 $b2 $r; wait $b1 $b2 $r 2>/dev/null
echo 0-1 >"$G/cpuset.cpus"

# --- C: g capped at 50000/100000 with weight 10000, sibling s uncapped at
# weight 100; two hogs each, all pinned to CPU 0.
mkdir /run/sg/0/s || fail=1
echo 10000 >/run/sg/0/g/cpu.weight || fail=1
echo 100 >/run/sg/0/s/cpu.weight || fail=1
echo "50000 100000" >"$G/cpu.max" || fail=1
hog 0; c1=$!; hog 0; c2=$!; hog 0; c3=$!; hog 0; c4=$!
mv /run/sg/0/$c1 /run/sg/0/$c2 /run/sg/0/g/ || fail=1
mv /run/sg/0/$c3 /run/sg/0/$c4 /run/sg/0/s/ || fail=1
sleep 1
measure "C g capped 50% at weight 10000, s at weight 100" $c1 $c2 $c3 $c4
gs=$(sum "$(nth 1)" "$(nth 2)"); ss=$(sum "$(nth 3)" "$(nth 4)")
echo "  g: $gs %, s: $ss %"
if echo "$gs" | awk '{ exit !($1 <= 53) }'; then echo "  ok   C g <= 50 (+3)"; else echo "  FAIL C g <= 50: $gs"; fail=1; fi
check "C sibling s takes the rest" "$ss" 50 5
bw_dump g "$G"
kill $c1 $c2 $c3 $c4; wait $c1 $c2 $c3 $c4 2>/dev/null

# --- D: hierarchy: p capped at 30000/100000, its child q at a looser
# 50000/100000; two hogs in q pinned to CPU 0 get p's 30 %.
mkdir /run/sg/0/p /run/sg/0/p/q || fail=1
P=$(cgdir p); Q=$(cgdir q)
echo "30000 100000" >"$P/cpu.max" || fail=1
echo "50000 100000" >"$Q/cpu.max" || fail=1
hog 0; d1=$!; hog 0; d2=$!
mv /run/sg/0/$d1 /run/sg/0/$d2 /run/sg/0/p/q/ || fail=1
sleep 1
measure "D p capped 30%, its child q 50%" $d1 $d2
check "D q under p's cap" "$(sum $SHARES)" 30 3
bw_dump p "$P"
kill $d1 $d2; wait $d1 $d2 2>/dev/null

# --- Capped groups removed (cgroup_exit).
rmdir /run/sg/0/p/q /run/sg/0/p /run/sg/0/s /run/sg/0/f /run/sg/0/g /sys/fs/cgroup/pre || fail=1
sleep 1
echo "after removing the capped groups: $(cat /sys/kernel/sched_ext/state)"
[ "$(cat /sys/kernel/sched_ext/state)" = enabled ] || fail=1

echo "stats (per CPU), keys 14-18: throttled, throttle_kick, released, pull, pulled"
bpftool map dump name stats 2>&1 | tr -d ' \n' | sed 's/"key"/\nkey/g' | tail -5; echo
echo "state after: $(cat /sys/kernel/sched_ext/state)"
dmesg | grep -i -E "sched_ext|scx" | tail -8
grep -i -E "error|warn|exit" /tmp/daemon.log | head -10
kill $d; wait $d
[ "$fail" = 0 ] && echo "CAPS-SMOKE PASSED" || echo "CAPS-SMOKE FAILED"
exit $fail
