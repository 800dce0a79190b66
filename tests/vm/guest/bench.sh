# Guest script for bench/vm_bench.sh: the messaging benchmark under the
# kernel's fair class and under our sched_ext scheduler, alternating, in
# the same boot. Needs /opt/fschedfs and /opt/pipe_bench.
mount -t cgroup2 none /sys/fs/cgroup || exit 1
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control || exit 1
mkdir -p /run/sg
args=$(echo "${FSCHED_BENCH_ARGS:-4_10_200}" | tr _ " ")
rounds=${FSCHED_BENCH_ROUNDS:-5}
/opt/pipe_bench $args >/dev/null  # warm up
i=0
while [ $i -lt "$rounds" ]; do
  echo "fair $(/opt/pipe_bench $args)"
  /opt/fschedfs -o backend=scx /run/sg || exit 1
  [ "$(cat /sys/kernel/sched_ext/state)" = enabled ] || { echo "scx not enabled"; exit 1; }
  echo "scx $(/opt/pipe_bench $args)"
  /opt/fusermount3 -u /run/sg
  while [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; do sleep 0.1; done
  i=$((i + 1))
done
