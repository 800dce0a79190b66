/* Shared between fsched_scx.bpf.c and its loader (scx_scheduler.cpp).
 * Plain C types only: the BPF side sees vmlinux.h, the loader <linux/types.h>.
 */
#ifndef FSCHED_SCX_H
#define FSCHED_SCX_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;
#endif

/* Cgroup levels the scheduler walks from a task's cgroup up to the root.
 * The daemon's tree is at most 64 groups deep (option max_depth) plus its
 * cgroup_root and one leaf per process; a deeper cgroup is weighed as if
 * its ancestors beyond this depth did not exist. */
#define FSCHED_MAX_LEVELS 96

/* Fixed point of a task's compound ("hierarchical") share: 1 << 20 is the
 * whole machine. */
#define FSCHED_HW_ONE (1ULL << 20)

/* A cgroup's or task's load is CFS's: cpu.weight 100 = nice 0 = 1024. An
 * idle group weighs what SCHED_IDLE does. */
#define FSCHED_LOAD_PER_WEIGHT 1024
#define FSCHED_WEIGHT_DFL 100
#define FSCHED_LOAD_IDLE 3

/* The one dispatch queue every task waits in, ordered by virtual time. */
#define FSCHED_FAIR_DSQ 0x66736368ULL /* "fsch" */
/* Where tasks of a cgroup out of its cpu.max quota wait for the next
 * period (FIFO; fsched_bandwidth.bpf.h). */
#define FSCHED_THROTTLED_DSQ 0x66737468ULL /* "fsth" */

/* Event counters, one per CPU, summed by the loader. */
enum fsched_stat {
	FSCHED_STAT_ENQUEUE,     /* tasks queued in the fair DSQ */
	FSCHED_STAT_DIRECT,      /* woken tasks sent straight to an idle CPU */
	FSCHED_STAT_CHARGE,      /* runtime charges */
	FSCHED_STAT_NO_NODE,     /* a task whose cgroup the scheduler does not know */
	FSCHED_STAT_DEPTH_CUT,   /* walks cut at FSCHED_MAX_LEVELS */
	FSCHED_STAT_LAG_CLAMP,   /* wakers whose vtime credit was capped */
	FSCHED_STAT_AHEAD_CLAMP, /* tasks whose vtime debt was capped */
	FSCHED_STAT_GUEST_DISPATCH, /* CPUs handed to a guest (cid form) */
	FSCHED_STAT_GUEST_OVERRUN,  /* guests' tasks preempted for holding a CPU a window */
	FSCHED_STAT_GUEST_SWITCH_IN, /* context switches to a guest's task */
	FSCHED_STAT_GUEST_CHARGE,    /* charges of a guest's CPU time */
	FSCHED_STAT_WAKE_PREEMPT,    /* wakers that preempted a task far ahead of them */
	FSCHED_STAT_WAKE_QUEUED,     /* wakers far behind the running task, but not first in the queue */
	FSCHED_STAT_WAKE_CLOSE,      /* wakers too close to the running task's vtime to preempt it */
	FSCHED_STAT_THROTTLED,       /* tasks queued to wait out their cgroup's cpu.max */
	FSCHED_STAT_THROTTLE_KICK,   /* running tasks stopped at a tick for cpu.max */
	FSCHED_STAT_RELEASED,        /* throttled tasks put back in the queue at a new period */
	FSCHED_STAT_PULL,            /* idle CPUs that preempted a CPU for its task (throttling) */
	FSCHED_STAT_PULLED,          /* tasks sent to such an idle CPU */
	NR_FSCHED_STATS,
};

/* What the kernel said when it ejected the scheduler (ops.exit). */
struct fsched_exit_info {
	s64 kind; /* enum scx_exit_kind; 0 while the scheduler runs */
	s64 exit_code;
	char reason[128];
	char msg[1024];
};

/* CPU time the scheduler charged to a cgroup and everything under it,
 * map `cg_runtime`, keyed by cgroup id. */
struct fsched_cg_runtime {
	u64 runtime_ns;
};

/* A capped cgroup's counters, as cgroup v2's cpu.stat has them: map
 * `cg_bw`, keyed by cgroup id, with an entry for every cgroup that ever
 * had a cpu.max quota (the value's first member; the rest is the BPF
 * side's). nr_periods counts the periods in which the cgroup used CPU or
 * was throttled; throttled_ns is the wall time it spent throttled (the
 * kernel's cpu.stat sums that over the CPUs it was throttled on). */
struct fsched_cg_bw {
	u64 nr_periods;
	u64 nr_throttled;
	u64 throttled_ns;
};

/* Guests the host (the cid form) carries at once. */
#define FSCHED_MAX_GUESTS 16

/* A guest as the host sees it: one entity with a vtime (cid form,
 * `guests` in .bss, a slot each). */
struct fsched_guest {
	u64 cgid;       /* 0: a free slot */
	u64 parent;     /* the cgroup it competes in */
	u64 load;       /* its weight there, as a load (cpu.weight 100 = 1024) */
	u64 vtime;      /* on the tasks' scale (atomic) */
	u64 runtime_ns; /* CPU time its tasks used (atomic) */
	u64 seen_ns;    /* runtime_ns at the last window */
	u64 active;     /* counted in its parent's sum (cmpxchg) */
	u64 overruns;   /* windows it held a CPU without the host's say */
};

/* The kernel's struct scx_cmask with room for 512 cids: the host's grant
 * of every CPU to a guest lives in the arena as one of these. */
#define FSCHED_CMASK_WORDS 8
struct fsched_cmask {
	u32 base;
	u32 nr_cids;
	u32 alloc_words;
	u32 pad;
	u64 bits[FSCHED_CMASK_WORDS];
};

/* How a guest ended, map `guest_exits` of the cid form, keyed by its
 * cgroup id; written by the host's sub_detach. */
struct fsched_guest_exit {
	u32 kind; /* enum scx_exit_kind */
	u32 overruns;
	u64 runtime_ns;
	char reason[128];
	char msg[256];
};

#endif /* FSCHED_SCX_H */
