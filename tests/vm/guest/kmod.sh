# Guest script (tests/vm/kmod.sh boots it): fsched_proc.ko and the tree at
# the RFC's own paths. One PASS/FAIL line per check; exits non-zero when one
# failed. Hogs are pinned to CPU 0.
export PATH=/opt:$PATH
fail=0
. /opt/lib.sh
mounted() { # PATH FSTYPE: the mount table has one of that type there
  awk -v p="$1" -v t="$2" '{ i = 7; while (i <= NF && $i != "-") i++
    if ($5 == p && $(i + 1) == t) f = 1 } END { exit !f }' /proc/self/mountinfo
}
gone() { for i in $(seq 1 40); do pidof fschedfs >/dev/null || return 0; sleep 0.25; done; return 1; }

mount -t cgroup2 none /sys/fs/cgroup || exit 1
echo +cpu >/sys/fs/cgroup/cgroup.subtree_control || exit 1
P=/proc/sched-groups

echo "--- loading"
[ ! -e $P ] && [ ! -e /proc/schedulers ]
check "no $P before the module" $? "$(ls -d $P /proc/schedulers 2>&1 | tr '\n' ' ')"
out=$(insmod /opt/fsched_proc.ko 2>&1)
check "insmod fsched_proc.ko" $? "$out"
[ -d $P ] && [ -d /proc/schedulers ] && [ -z "$(ls -A $P)" ] && [ -z "$(ls -A /proc/schedulers)" ]
check "two empty directories" $? "$(ls -ld $P /proc/schedulers | tr '\n' ' ')"
out=$(mkdir $P/x 2>&1); [ $? -ne 0 ] && [ ! -e $P/x ]
check "nothing can be made in them" $? "$out"
[ -c /dev/fsched_proc ]; check "the pin device exists" $? "$(ls -l /dev/fsched_proc 2>&1)"

# What procfs does by itself when a module's directory is a mount point.
mount -t tmpfs none $P
out=$(rmmod fsched_proc 2>&1); rc=$?
echo "INFO rmmod with a tmpfs (no pin) on $P: rc $rc ($out); mounted after: $(mounted $P tmpfs && echo yes || echo no)"
ls $P >/dev/null 2>&1
echo "INFO after a lookup: $P $( [ -e $P ] && echo exists || echo gone ), tmpfs $(mounted $P tmpfs && echo still mounted || echo detached)"
mounted $P tmpfs && umount $P
lsmod | grep -q '^fsched_proc' || insmod /opt/fsched_proc.ko
[ -d $P ]; check "loaded again" $? "$(lsmod | grep fsched_proc)"

echo "--- the tree at $P"
out=$(fschedfs $P 2>&1)
check "fschedfs $P" $? "$out"
mounted $P fuse.fschedfs && mounted /proc/schedulers fuse.fschedfs
check "mounted, schedulers/ bound on /proc/schedulers" $? "$(grep -e ' /proc/sched' /proc/self/mountinfo | cut -d' ' -f4,5,9 | tr '\n' ';')"
ls /proc/schedulers | grep -qx fair
check "ls /proc/schedulers" $? "$(ls /proc/schedulers | tr '\n' ' ')"

echo "--- the RFC's session"
h1=$(hog); h2=$(hog); h3=$(hog)
sleep 0.5
mkdir $P/0/guest
check "mkdir $P/0/guest" $? ""
mv $P/0/$h2 $P/0/guest/ && mv $P/0/$h3 $P/0/guest/
check "mv $P/0/PID $P/0/guest/" $? "$(ls $P/0/guest | tr '\n' ' ')"
[ -d $P/0/guest/$h2 ] && [ -d $P/0/guest/$h3 ] && [ -d $P/0/$h1 ] && [ ! -e $P/0/$h2 ]
check "each hog where it was put" $? ""
[ "$(readlink $P/0/guest/$h2/proc)" = /proc/$h2 ] && ls $P/0/guest/$h2/proc/ | grep -qx status
check "$P/0/guest/$h2/proc is /proc/$h2" $? "$(readlink $P/0/guest/$h2/proc); $(ls $P/0/guest/$h2/proc/ | head -5 | tr '\n' ' ')"
sleep 2
r=$(measure_check 10 'within $1 50 5 && within $2 25 4 && within $3 25 4' $h1 $h2 $h3)
check "50/25/25" $? "$r"

echo "--- unloading"
out=$(rmmod fsched_proc 2>&1)
[ $? -ne 0 ] && [ -d $P/0 ] && mounted $P fuse.fschedfs
check "rmmod refused while mounted" $? "$out"
kill $h1 $h2 $h3
umount $P
check "umount $P" $? ""
gone; check "the daemon exits" $? "$(pidof fschedfs)"
! mounted /proc/schedulers fuse.fschedfs
check "/proc/schedulers unmounted with it" $? "$(grep ' /proc/sched' /proc/self/mountinfo | cut -d' ' -f5 | tr '\n' ' ')"
out=$(rmmod fsched_proc 2>&1)
check "rmmod" $? "$out"
[ ! -e $P ] && [ ! -e /proc/schedulers ] && [ ! -e /dev/fsched_proc ]
check "the directories are gone" $? "$(ls -d $P /proc/schedulers 2>&1 | tr '\n' ' ')"
exit $fail
