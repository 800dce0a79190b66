# Guest script for tests/vm/boot.sh: what the VM kernel offers fsched.
echo "kernel $(uname -r)"
echo "sched_ext: $(cat /sys/kernel/sched_ext/state)"
mount -t cgroup2 none /sys/fs/cgroup || exit 1
echo "cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
grep -qw cpu /sys/fs/cgroup/cgroup.controllers
