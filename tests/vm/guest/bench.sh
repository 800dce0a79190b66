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

# Wakeup lateness (bench/wakeup_lat): a task in 0 sleeping 5 ms at a time
# beside four CPU hogs in 0/batch, under the fair class (the cgroup backend)
# and under our scheduler, alternating.
echo "wake-idle $(/opt/wakeup_lat ${FSCHED_WAKE_ITER:-1000} 5000)"  # the floor: no load
hogs=""
wrounds=${FSCHED_WAKE_ROUNDS:-3}
i=0
while [ $i -lt "$wrounds" ]; do
  for backend in cgroup scx; do
    /opt/fschedfs -o backend=$backend /run/sg || exit 1
    mkdir /run/sg/0/batch
    hogs=""
    for h in 1 2 3 4; do
      sh -c 'while :; do :; done' >/dev/null 2>&1 &
      hogs="$hogs $!"
      mv /run/sg/0/$! /run/sg/0/batch/ || exit 1
    done
    sleep 1
    echo "wake-$backend $(/opt/wakeup_lat ${FSCHED_WAKE_ITER:-1000} 5000)"
    kill $hogs
    wait $hogs 2>/dev/null
    rmdir /run/sg/0/batch
    /opt/fusermount3 -u /run/sg
    while [ "$(cat /sys/kernel/sched_ext/state)" != disabled ]; do sleep 0.1; done
  done
  i=$((i + 1))
done

# The daemon's cost while idle (bench/bench_idle) on both backends, v2.
if [ -x /opt/bench_idle ]; then
  for backend in cgroup scx; do
    echo "idle-$backend"
    FSCHEDFS=/opt/fschedfs FSCHED_TEST_BACKEND=$backend /opt/bench_idle ${FSCHED_IDLE_SECONDS:-5} 0 2000 | sed 's/^/  /'
  done
fi
