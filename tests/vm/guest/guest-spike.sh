# Guest script (tests/vm/guest-spike.sh boots it on a 7.3 kernel): a
# cid-form host with the rr guest on one cgroup, the RFC's split measured,
# and the kernel's answers to the cases a loader must handle. Prints one
# PASS/FAIL line per check; exits non-zero when one failed.
fail=0
. /opt/lib.sh
wait_line() { # FILE TEXT
  for i in $(seq 1 40); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.25; done; return 1
}

mount -t cgroup2 none /sys/fs/cgroup || exit 1
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control || exit 1
mkdir /sys/fs/cgroup/g
echo +cpu >/sys/fs/cgroup/g/cgroup.subtree_control 2>/dev/null
L=/opt/spike-load

$L /opt/rr.bpf.o /sys/fs/cgroup/g >/tmp/early.out 2>&1
grep -q "attach-errno 19" /tmp/early.out
check "a guest without a host" $? "$(tail -1 /tmp/early.out) (want ENODEV 19)"

$L /opt/host.bpf.o >/tmp/host.out 2>&1 & host=$!
wait_line /tmp/host.out attached
sleep 0.5
[ "$(state)" = enabled ]
check "host loads" $? "state $(state), ops $(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)"
if [ "$(state)" != enabled ]; then
  dmesg | grep -i sched_ext | tail -10
  kill $host; exit 1
fi

$L /opt/rr.bpf.o /sys/fs/cgroup >/tmp/rootcg.out 2>&1
grep -q "attach-errno 16" /tmp/rootcg.out
check "a guest on the root cgroup" $? "$(tail -1 /tmp/rootcg.out) (want EBUSY 16)"

$L /opt/rr.bpf.o /sys/fs/cgroup/g >/tmp/rr.out 2>&1 & rr=$!
wait_line /tmp/rr.out attached
check "rr attaches to g" $? "$(ls /sys/kernel/sched_ext/root/sub 2>/dev/null | tr '\n' ' ')caps: $(cat /sys/kernel/sched_ext/root/sub/*/caps 2>/dev/null | tr '\n' ' ')"

$L /opt/rr.bpf.o /sys/fs/cgroup/g >/tmp/rr2.out 2>&1
grep -q "attach-errno 16" /tmp/rr2.out
check "a second guest on g" $? "$(tail -1 /tmp/rr2.out) (want EBUSY 16)"

taskset -c 0 sh -c 'while :; do :; done' & a=$!
taskset -c 0 sh -c 'while :; do :; done' & b=$!
taskset -c 0 sh -c 'while :; do :; done' & c=$!
echo $b >/sys/fs/cgroup/g/cgroup.procs
echo $c >/sys/fs/cgroup/g/cgroup.procs
sleep 2
r=$(measure_check 10 'within $1 50 5 && within $2 25 5 && within $3 25 5' $a $b $c)
check "RFC split, hog in root vs two hogs under rr" $? "$r % (root, rr, rr), state $(state)"

# rr is blind to nice: a nice-10 hog gets what a nice-0 hog gets.
renice -n 10 -p $c >/dev/null
sleep 1
b0=$(ticks $b); c0=$(ticks $c); sleep 6; b1=$(ticks $b); c1=$(ticks $c)
db=$((b1 - b0)); dc=$((c1 - c0)); pair=$((db + dc)); [ $pair -gt 0 ] || pair=1
pb=$((100 * db / pair))
[ $pb -ge 42 ] && [ $pb -le 58 ]
check "rr ignores nice: nice-0 vs nice-10 hog in g" $? "$pb/$((100 - pb)) % of g's time (ticks $db $dc)"

kill $rr; wait $rr
sleep 1
b0=$(ticks $b); sleep 2; b1=$(ticks $b)
[ "$(state)" = enabled ] && [ $((b1 - b0)) -gt 0 ]
check "unloading rr hands g back to the host" $? "state $(state), g's hog ran $((b1 - b0)) ticks in 2 s"

# prio: the nice-0 hog goes first; the nice-10 one only gets the starvation
# guard's turns.
$L /opt/prio.bpf.o /sys/fs/cgroup/g >/tmp/prio.out 2>&1 & prio=$!
wait_line /tmp/prio.out attached
sleep 1
b0=$(ticks $b); c0=$(ticks $c); sleep 6; b1=$(ticks $b); c1=$(ticks $c)
db=$((b1 - b0)); dc=$((c1 - c0)); pair=$((db + dc)); [ $pair -gt 0 ] || pair=1
pb=$((100 * db / pair))
[ $pb -ge 90 ] && [ $dc -gt 0 ] && [ "$(state)" = enabled ]
check "prio: nice-0 vs nice-10 hog in g" $? "$pb/$((100 - pb)) % of g's time (ticks $db $dc), state $(state)"
kill $prio; wait $prio

$L /opt/bad_guest.bpf.o /sys/fs/cgroup/g >/tmp/bad.out 2>&1 & bad=$!
wait_line /tmp/bad.out attached
sleep 2
b0=$(ticks $b); sleep 2; b1=$(ticks $b)
[ "$(state)" = enabled ] && [ $((b1 - b0)) -gt 0 ] && [ -z "$(ls /sys/kernel/sched_ext/root/sub 2>/dev/null)" ]
check "a guest calling scx_bpf_error is ejected alone" $? "state $(state), subs '$(ls /sys/kernel/sched_ext/root/sub 2>/dev/null)', g's hog ran $((b1 - b0)) ticks in 2 s"
kill $bad 2>/dev/null; wait $bad 2>/dev/null

kill $a $b $c
kill $host; wait $host
check "host unloads" $([ "$(state)" = disabled ]; echo $?) "state $(state)"
echo "--- kernel messages"
# Without the timestamps: the harness drops console lines that start with one.
dmesg | grep -i -e sched_ext -e "sub-sched" -e scx | sed 's/^\[ *[0-9.]*\] //' | tail -20
exit $fail
