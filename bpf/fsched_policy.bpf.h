/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy of fsched's scheduler, apart from the struct_ops callbacks
 * that drive it (fsched_scx.bpf.c, whose essay explains it): the knobs,
 * the maps, a cgroup node's load and hierarchical weight, and charging a
 * task's CPU time to its vtime and to its cgroups. Included once, by the
 * file that defines the callbacks.
 */
#pragma once

/* The cid form (a host for guests, Linux 7.3 on) is built against the
 * types of a kernel that has sub-schedulers; see fsched_host.bpf.h. */
#ifdef FSCHED_CID_FORM
#include "guests/vmlinux.h"
#else
#include "vmlinux.h"
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "fsched_scx.h"

#define ENOMEM 12

/* Knobs, set by the loader before load. */
const volatile u64 slice_ns = 10000000ULL;   /* 10 ms */
const volatile u32 ahead_slices = 500;       /* debt cap, in slices */
/* A waker preempts a task whose vtime is this far ahead of its own; 0
 * turns wakeup preemption off. */
const volatile u64 preempt_gran_ns = 2500000ULL; /* a quarter slice */

struct fsched_exit_info exit_info;

struct cg_node {
	struct bpf_spin_lock lock;
	s32 nr_active;   /* runnable tasks here + active children (lock);
			  * < 0 for a moment when a child's two changes of
			  * state reach it out of order */
	u32 contrib;     /* load added to the parent's sum while active (lock) */
	u32 weight;      /* cpu.weight, 1..10000 */
	u32 idle;        /* cpu.idle */
	u64 parent;      /* parent cgroup id, 0 at the root */
	s64 sum;         /* loads of active children and runnable tasks here */
	/* cpu.max (fsched_bandwidth.bpf.h): quota_ns 0 is "max", no cap */
	u64 quota_ns, period_ns, burst_ns;
	s64 used_ns;     /* charged this period, plus debt carried (atomic) */
	u64 throttled;   /* out of quota until a period ends (cmpxchg) */
	u64 bw_active;   /* charged since the period began (xchg) */
	u64 bw_armed;    /* its period timer runs (cmpxchg) */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, u64);
	__type(value, struct cg_node);
} cg_nodes SEC(".maps");

/* Per CPU: every charge adds to each ancestor's entry, and a shared one
 * would bounce the root's cache line between all CPUs at every tick. The
 * loader sums the CPUs' values when the daemon reads one. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 65536);
	__type(key, u64);
	__type(value, struct fsched_cg_runtime);
} cg_runtime SEC(".maps");

/* Cgroups that are idle when the scheduler loads, filled by the loader:
 * ops.cgroup_init is not told about cpu.idle. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, u32);
} idle_seed SEC(".maps");

/* CPU time per process (tgid), for the daemon's per-process stats. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, u32);
	__type(value, u64);
} proc_runtime SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_FSCHED_STATS);
	__type(key, u32);
	__type(value, u64);
} stats SEC(".maps");

/* Per-CPU virtual clock: the largest vtime started on that CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} cpu_clock SEC(".maps");

struct task_ctx {
	u64 cgid;          /* the task's cgroup now */
	u64 contrib_cgid;  /* where `contrib` was added (0: not runnable) */
	u32 contrib;       /* load added to that cgroup's sum */
	u64 started_at;    /* when the current charge period began */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

static struct task_ctx *ctx_of(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctxs, p, 0, 0);
}

static void stat_inc(u32 idx)
{
	u64 *v = bpf_map_lookup_elem(&stats, &idx);
	if (v)
		(*v)++;
}

/* The CPU a task last ran or was placed on. A cid-form scheduler may not
 * call the cpu-form kfunc; its dense cid maps back to the CPU. */
static __always_inline s32 task_cpu(const struct task_struct *p)
{
#ifdef FSCHED_CID_FORM
	s32 cid = scx_bpf_task_cid(p);

	return cid < 0 ? cid : scx_bpf_cid_to_cpu(cid);
#else
	return scx_bpf_task_cpu(p);
#endif
}

/* A cid-form scheduler must queue by vtime with the args form. */
static __always_inline void insert_vtime(struct task_struct *p, u64 dsq, u64 slice, u64 vtime,
					 u64 enq_flags)
{
#ifdef FSCHED_CID_FORM
	struct scx_bpf_dsq_insert_vtime_args args = {
		.dsq_id = dsq, .slice = slice, .vtime = vtime, .enq_flags = enq_flags,
	};

	__scx_bpf_dsq_insert_vtime(p, &args);
#else
	scx_bpf_dsq_insert_vtime(p, dsq, slice, vtime, enq_flags);
#endif
}

static u64 *clock_of(s32 cpu)
{
	u32 zero = 0;
	if (cpu < 0)
		return bpf_map_lookup_elem(&cpu_clock, &zero);
	return bpf_map_lookup_percpu_elem(&cpu_clock, &zero, cpu);
}

static u32 task_load(const struct task_struct *p)
{
	u32 load = p->scx.weight * FSCHED_LOAD_PER_WEIGHT / FSCHED_WEIGHT_DFL;
	return load ? load : 1;
}

/* Caller holds n->lock. */
static u32 node_load(const struct cg_node *n)
{
	u32 load;
	if (n->idle)
		return FSCHED_LOAD_IDLE;
	load = n->weight * FSCHED_LOAD_PER_WEIGHT / FSCHED_WEIGHT_DFL;
	return load ? load : 1;
}

/*
 * Writes to p->scx.slice and p->scx.dsq_vtime go through the kfuncs where
 * the kernel has them (6.19 on): since 7.1 it warns at load about direct
 * writes, which it means to refuse. bpf_ksym_exists() is a constant to the
 * verifier, so it never walks the branch not taken: no warning where the
 * kfunc exists, and no unresolved kfunc where it does not (6.12 to 6.18).
 */
static __always_inline void set_vtime(struct task_struct *p, u64 vtime)
{
	if (bpf_ksym_exists(scx_bpf_task_set_dsq_vtime))
		scx_bpf_task_set_dsq_vtime(p, vtime);
	else
		p->scx.dsq_vtime = vtime;
}

static __always_inline void set_slice(struct task_struct *p, u64 slice)
{
	if (bpf_ksym_exists(scx_bpf_task_set_slice))
		scx_bpf_task_set_slice(p, slice);
	else
		p->scx.slice = slice;
}

static u64 cgroup_id(const struct cgroup *cgrp)
{
	return BPF_CORE_READ(cgrp, kn, id);
}

/* A task with `load` became runnable in cgroup `cgid` (delta > 0) or
 * stopped being so (delta < 0). A cgroup that turns active or inactive
 * adds or removes its own load at its parent's and counts there as one
 * active child; the walk stops at the first cgroup whose state did not
 * change, so a wakeup in a busy subtree takes one lock, not one per level,
 * and the root's lock is taken only when a top-level group turns active or
 * idle. Counts are signed: two changes of a child's state made on two CPUs
 * may reach its parent in either order, and each count ends right. */
static void account(u64 cgid, s64 load, int delta)
{
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	u32 i;

	if (!n) {
		stat_inc(FSCHED_STAT_NO_NODE);
		return;
	}
	__sync_fetch_and_add(&n->sum, delta > 0 ? load : -load);

	bpf_for(i, 0, FSCHED_MAX_LEVELS) {
		struct cg_node *parent;
		s64 change = 0;
		bool was;
		u64 pid;

		bpf_spin_lock(&n->lock);
		was = n->nr_active > 0;
		n->nr_active += delta > 0 ? 1 : -1;
		if (!was && n->nr_active > 0) {
			n->contrib = node_load(n);
			change = n->contrib;
		} else if (was && n->nr_active <= 0) {
			change = -(s64)n->contrib;
			n->contrib = 0;
		}
		pid = n->parent;
		bpf_spin_unlock(&n->lock);

		if (!change || !pid)
			return;
		parent = bpf_map_lookup_elem(&cg_nodes, &pid);
		if (!parent)
			return;
		__sync_fetch_and_add(&parent->sum, change);
		delta = change > 0 ? 1 : -1;
		n = parent;
	}
	stat_inc(FSCHED_STAT_DEPTH_CUT);
}

/* (Unused in the guest form, which gets no cgroup callbacks.)
 * A cgroup's own load changed (weight or idle): while it is active, its
 * parent's sum follows at once. */
static __attribute__((unused)) void reweigh(struct cgroup *cgrp, u32 weight, int idle)
{
	u64 cgid = cgroup_id(cgrp);
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	struct cg_node *parent;
	s64 change = 0;
	u64 pid;

	if (!n)
		return;
	bpf_spin_lock(&n->lock);
	if (weight)
		n->weight = weight;
	if (idle >= 0)
		n->idle = idle;
	if (n->nr_active > 0) {
		u32 load = node_load(n);
		change = (s64)load - n->contrib;
		n->contrib = load;
	}
	pid = n->parent;
	bpf_spin_unlock(&n->lock);

	if (change && pid && (parent = bpf_map_lookup_elem(&cg_nodes, &pid)))
		__sync_fetch_and_add(&parent->sum, change);
}

#include "fsched_bandwidth.bpf.h"

static u64 clamp_divisor(s64 sum, u32 load)
{
	return sum > (s64)load ? (u64)sum : (u64)load;
}

/* Whether some thread of p's process has not yet exited (do_exit() counts
 * them down in signal->live before a thread's last switch). */
static bool group_alive(const struct task_struct *p)
{
	return p->signal->live.counter > 0;
}

/* A cgroup's own load while active, as its parent's sum counts it. */
static u32 own_load(const struct cg_node *n)
{
	u32 own = n->contrib ? n->contrib : (n->idle ? FSCHED_LOAD_IDLE :
			n->weight * FSCHED_LOAD_PER_WEIGHT / FSCHED_WEIGHT_DFL);
	return own ? own : 1;
}

/*
 * From cgroup `cgid` up to the root: adds `ns` to each cgroup's runtime
 * and, from cgroup `share_from` up (0: from `cgid` itself), multiplies
 * `hw` by each cgroup's share among its parent's active children. Returns
 * the compound share. A guest group's tasks are charged from their own
 * cgroup, but weighed from the guest's cgroup up: inside, the guest decides.
 */
static u64 charge_up(u64 cgid, u64 ns, u64 hw, u64 share_from)
{
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	bool sharing = !share_from;
	u32 i;

	if (!n)
		return hw;
	bpf_for(i, 0, FSCHED_MAX_LEVELS) {
		struct fsched_cg_runtime *rt;
		struct cg_node *parent;
		u64 pid = n->parent;
		u32 own;

		rt = bpf_map_lookup_elem(&cg_runtime, &cgid); /* this CPU's */
		if (rt && ns)
			rt->runtime_ns += ns;
		if (n->quota_ns && ns)
			bw_charge(n, cgid, ns);
		if (cgid == share_from)
			sharing = true;
		if (!pid)
			break;
		parent = bpf_map_lookup_elem(&cg_nodes, &pid);
		if (!parent)
			break;
		if (sharing) {
			own = own_load(n);
			hw = hw * own / clamp_divisor(parent->sum, own);
			if (!hw)
				hw = 1;
		}
		n = parent;
		cgid = pid;
	}
	return hw;
}

/* Adds `ns` to the CPU time of p's process (for the daemon's stats). */
static void charge_process(struct task_struct *p, u64 ns)
{
	u32 tgid = p->tgid;
	u64 *prt = bpf_map_lookup_elem(&proc_runtime, &tgid);

	if (prt)
		__sync_fetch_and_add(prt, ns);
	else if (group_alive(p))
		bpf_map_update_elem(&proc_runtime, &tgid, &ns, BPF_NOEXIST);
}

/* Charge `ns` of CPU time: to the task's vtime, divided by its compound
 * share, and to the runtime of its process and of each cgroup above it. */
static void charge(struct task_struct *p, struct task_ctx *tctx, u64 ns)
{
	u64 cgid = tctx->contrib_cgid ? tctx->contrib_cgid : tctx->cgid;
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	u64 hw = FSCHED_HW_ONE;
	u32 load = tctx->contrib ? tctx->contrib : task_load(p);

	if (!ns)
		return;
	stat_inc(FSCHED_STAT_CHARGE);
	charge_process(p, ns);
	if (n) {
		hw = hw * load / clamp_divisor(n->sum, load);
		hw = charge_up(cgid, ns, hw ? hw : 1, 0);
	} else {
		/* A cgroup the scheduler does not know (the guest form knows
		 * none): the task is one competitor weighed by its nice. */
		hw = hw * load / FSCHED_LOAD_PER_WEIGHT;
	}
	if (!hw)
		hw = 1;
	set_vtime(p, p->scx.dsq_vtime + ns * FSCHED_HW_ONE / hw);
}
