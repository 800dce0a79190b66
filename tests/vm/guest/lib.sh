# Helpers the PASS/FAIL guest scripts share; boot.sh puts this file at
# /opt/lib.sh in every guest. A script sets fail=0, sources it, and exits
# non-zero when a check failed.

check() { # NAME STATUS DETAIL
  if [ "$2" = 0 ]; then echo "PASS $1: $3"; else echo "FAIL $1: $3"; fail=1; fi
}
# A process's CPU time so far (utime + stime, in ticks); 0 once it is gone.
ticks() { set -- $(cut -d' ' -f14,15 /proc/$1/stat 2>/dev/null || echo "0 0"); echo $(($1 + $2)); }
state() { cat /sys/kernel/sched_ext/state 2>/dev/null; }
within() { [ "$1" -ge $(($2 - $3)) ] && [ "$1" -le $(($2 + $3)) ]; } # VALUE WANT TOL
hog() { taskset -c 0 sh -c 'while :; do :; done' >/dev/null 2>&1 & echo $!; }
# Each pid's part of the CPU time the pids used together over SECONDS, in
# percent: "p1 p2 ...".
measure() { # SECONDS PID...
  secs=$1; shift
  before=""; for p in "$@"; do before="$before $(ticks $p)"; done
  sleep "$secs"
  total=0; deltas=""; i=1
  for p in "$@"; do
    b=$(echo $before | cut -d' ' -f$i); d=$(($(ticks $p) - b)); deltas="$deltas $d"
    total=$((total + d)); i=$((i + 1))
  done
  [ $total -gt 0 ] || total=1
  out=""; for d in $deltas; do out="$out $((100 * d / total))"; done
  echo $out
}
# measure, then CHECK, a shell condition on the percentages ($1 $2 ...);
# measured once more when it fails: a host that stalls the emulated vCPUs
# (the other guests booted beside this one) can skew one window, a wrong
# split skews both. Prints what it measured ("44 28 27, then 50 25 25"
# after a retry); its status is CHECK's on the last window.
measure_check() { # SECONDS CHECK PID...
  secs=$1; cond=$2; shift 2
  m=$(measure "$secs" "$@"); seen=$m
  if ! (set -- $m; eval "$cond"); then
    m=$(measure "$secs" "$@"); seen="$seen, then $m"
  fi
  echo "$seen"
  (set -- $m; eval "$cond")
}
