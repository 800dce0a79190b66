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

/* Event counters, one per CPU, summed by the loader. */
enum fsched_stat {
	FSCHED_STAT_ENQUEUE,     /* tasks queued in the fair DSQ */
	FSCHED_STAT_DIRECT,      /* woken tasks sent straight to an idle CPU */
	FSCHED_STAT_CHARGE,      /* runtime charges */
	FSCHED_STAT_NO_NODE,     /* a task whose cgroup the scheduler does not know */
	FSCHED_STAT_DEPTH_CUT,   /* walks cut at FSCHED_MAX_LEVELS */
	FSCHED_STAT_LAG_CLAMP,   /* wakers whose vtime credit was capped */
	FSCHED_STAT_AHEAD_CLAMP, /* tasks whose vtime debt was capped */
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

#endif /* FSCHED_SCX_H */
