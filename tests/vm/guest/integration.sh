# Guest script for tests/vm/boot.sh: the root integration suite on cgroup v2
# (which the build host cannot offer), against the backend named by
# FSCHED_TEST_BACKEND (cgroup or scx; FSCHED_VM_ENV carries it in).
# Needs /opt/fschedfs, /opt/integration_tests and the fsched command
# (fsched, piglet, io, spawn.conf) in /opt of the initramfs.
# FSCHED_TEST_ARGS: Catch2 arguments (a test filter such as "[bpf]"), split
# at blanks and not globbed.
mount -t cgroup2 none /sys/fs/cgroup || exit 1
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control || exit 1
# cpuset too, for the groups' `cpus` (the [caps] tests write them).
echo +cpuset >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
echo "cgroup2, subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)," \
  "backend ${FSCHED_TEST_BACKEND:-auto}"
# FSCHED_TEST_SLOW: emulated CPUs; timing-bound tests scale their rates.
export FSCHEDFS=/opt/fschedfs FSCHED_CLI=/opt PATH=/opt:$PATH FSCHED_TEST_SLOW=1
set -f
cd /tmp && /opt/integration_tests --use-colour no ${FSCHED_TEST_ARGS:-}
rc=$?
echo "sched_ext state after the suite: $(cat /sys/kernel/sched_ext/state)"
exit $rc
