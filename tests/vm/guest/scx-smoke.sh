# Guest script: load the scx backend, show that sched_ext runs our
# scheduler, and that a group's shares hold (quick check while developing).
mount -t cgroup2 none /sys/fs/cgroup || exit 1
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control || exit 1
mkdir -p /run/sg
/opt/fschedfs -f -o backend=scx /run/sg >/tmp/daemon.log 2>&1 &
d=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -d /run/sg/0 ] && break; sleep 0.5; done
echo "state: $(cat /sys/kernel/sched_ext/state) ops: $(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)"
cat /run/sg/schedulers/fair
taskset -c 0 sh -c 'while :; do :; done' & a=$!
mkdir /run/sg/0/guest
taskset -c 0 sh -c 'while :; do :; done' & b=$!
taskset -c 0 sh -c 'while :; do :; done' & c=$!
mv /run/sg/0/$b /run/sg/0/$c /run/sg/0/guest/
sleep 1
t0a=$(cut -d' ' -f14,15 /proc/$a/stat); t0b=$(cut -d' ' -f14,15 /proc/$b/stat); t0c=$(cut -d' ' -f14,15 /proc/$c/stat)
sleep 6
for p in $a $b $c; do echo "$p $(cut -d' ' -f14 /proc/$p/stat)"; done
cat /run/sg/0/guest/stats
kill $a $b $c
cat /tmp/daemon.log
dmesg | grep -i sched_ext | tail -5
kill $d; wait $d
echo "after: $(cat /sys/kernel/sched_ext/state)"
