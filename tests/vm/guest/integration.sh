# Guest script for tests/vm/boot.sh: the root integration suite against the
# cgroup backend on cgroup v2 (which the build host cannot offer).
# Needs /opt/fschedfs and /opt/integration_tests in the initramfs.
mount -t cgroup2 none /sys/fs/cgroup || exit 1
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control || exit 1
echo "cgroup2, subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
export FSCHEDFS=/opt/fschedfs PATH=/opt:$PATH
cd /tmp && /opt/integration_tests --use-colour no
