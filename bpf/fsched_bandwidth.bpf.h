/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2's cpu.max, enforced by fsched's scheduler. The kernel does not
 * throttle sched_ext tasks: it hands a cgroup's period, quota and burst to
 * the scheduler (scx_cgroup_init_args.bw_*, then ops.cgroup_set_bandwidth;
 * a quota of "max" comes as RUNTIME_INF, all ones) and leaves the rest to
 * it. This file holds the charging side; fsched_bandwidth_ops.bpf.h the
 * period timer, the callbacks and the release of waiting tasks.
 *
 * Budget. A capped cgroup's node holds its quota, period and burst (in ns)
 * and used_ns, what it used in the current period. Every charge (each
 * tick, each stop) already walks from the task's cgroup to the root; at
 * each capped cgroup on the way it adds to used_ns, so a cgroup's budget
 * is spent by everything below it: cpu.max is hierarchical, and a child is
 * held by the tightest of its own cap and its ancestors'.
 *
 * Throttling. The charge that takes used_ns to the quota marks the cgroup
 * throttled. From then on a task is throttled when its cgroup or any
 * ancestor is (a walk up its cgroups, done only while some cgroup in the
 * machine is throttled: a global count says so):
 *  - a running one gets slice 0 at its next tick (tick() looks after
 *    charging), so it stops within one tick;
 *  - enqueue() queues it in FSCHED_THROTTLED_DSQ, select_cpu() does not
 *    send it to an idle CPU, and wakeup preemption skips it;
 *  - one already in the fair queue is moved to the throttled queue by the
 *    dispatch() that finds it there, and is not kept running as prev;
 *  - the kernel would keep a throttled prev running on a CPU with nothing
 *    else to do: SCX_OPS_ENQ_LAST makes it ask enqueue() instead.
 *
 * Periods. Each capped cgroup has a bpf_timer (map cg_bw) that fires at
 * every period's end: the quota is refilled (the overrun of the last
 * tick is carried as debt, at most one quota of it, so the average holds
 * to the quota; unused quota is carried up to the burst), a cgroup back
 * under its quota is unthrottled, and the timer moves the tasks that are
 * no longer throttled from the throttled queue back to the fair one (a
 * waiting task comes back with at most a slice of credit, as a waker) and
 * kicks an idle CPU for each. A timer whose cgroup used nothing in a whole
 * period parks; the next charge re-arms it.
 *
 * The watchdog. A throttled task waits for the end of its period: at most
 * one period (cpu.max allows 1 s at most), two when the debt carried is a
 * whole quota. A capped group with more busy tasks than its quota has
 * ticks makes each of them wait several periods for its turn (they take
 * turns by vtime); a thousand hogs under a 1 ms quota would pass the
 * watchdog's 30 s, as they would starve under the fair class.
 *
 * Costs. Nothing while no cgroup is capped but a load of quota_ns per
 * level of each charge. A capped cgroup: an atomic add per charge, one
 * timer firing per period while it is busy. While any cgroup is
 * throttled: a walk up the cgroups of each task enqueued, woken, ticked or
 * looked at by dispatch(); dispatch() walks the fair queue itself (no
 * further than PEEK_MAX tasks that may run on its CPU) instead of
 * scx_bpf_dsq_move_to_local(); each period's end walks the throttled
 * queue. A throttled cgroup keeps its load in its parent's sum while it
 * waits (CFS takes it out): its siblings' vtimes then run faster, which
 * changes no ratio between them.
 *
 * Idle CPUs. A throttled task that was the only one allowed on its CPU
 * leaves that CPU idle while a task that could use it may run elsewhere;
 * the cpu form pulls it (fsched_queue.bpf.h, "Idle CPUs"), within about a
 * tick: a hog pinned beside a 20 %-capped pinned one left CPU 1 idle 3-4 %
 * of the time in the VM. The cid form does not pull yet (10-11 % there).
 *
 * Counters (struct fsched_cg_bw, in map cg_bw): nr_periods counts the
 * periods in which the cgroup used CPU or was throttled, nr_throttled the
 * times it ran out, throttled_ns the wall time it spent throttled.
 */
#pragma once

#define CLOCK_MONOTONIC 1
/* The iterator of the innermost bpf_for_each(), for scx_bpf_dsq_move*(). */
#define BPF_FOR_EACH_ITER (&___it)

struct cg_bw {
	struct fsched_cg_bw stat; /* first: what the loader reads */
	u64 throttled_at;
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, u64);
	__type(value, struct cg_bw);
} cg_bw SEC(".maps");

/* Cgroups throttled now; <= 0 means none (a throttle and the unthrottle
 * that follows it may reach the count in either order). */
s64 nr_throttled_groups;

/* Ends the scheduler with `msg` (a literal, no arguments). */
#define fsched_error(msg)                                                      \
	({                                                                     \
		static char ___fmt[] = msg;                                    \
		unsigned long long ___arg[1] = {};                             \
		scx_bpf_error_bstr(___fmt, ___arg, sizeof(___arg));            \
	})

/* Starts the period timer of capped cgroup `cgid` unless it runs. */
static void bw_arm(struct cg_node *n, u64 cgid)
{
	struct cg_bw *bw;

	if (__sync_val_compare_and_swap(&n->bw_armed, 0, 1) != 0)
		return;
	bw = bpf_map_lookup_elem(&cg_bw, &cgid);
	if (!bw) {
		/* Only a cgroup on its way out (bw_forget() uncaps it first)
		 * may have lost its timer. */
		if (n->quota_ns)
			fsched_error("a capped cgroup has no period timer");
		return;
	}
	if (bpf_timer_start(&bw->timer, n->period_ns, 0))
		fsched_error("cannot start a cgroup's period timer");
}

/* `ns` more of capped cgroup `cgid`'s quota used (from charge_up()). */
static void bw_charge(struct cg_node *n, u64 cgid, u64 ns)
{
	s64 used = __sync_fetch_and_add(&n->used_ns, ns) + ns;
	struct cg_bw *bw;

	if (!n->bw_active)
		__sync_lock_test_and_set(&n->bw_active, 1);
	if (used >= (s64)n->quota_ns && !n->throttled &&
	    __sync_val_compare_and_swap(&n->throttled, 0, 1) == 0) {
		bw = bpf_map_lookup_elem(&cg_bw, &cgid);
		if (bw) {
			bw->throttled_at = bpf_ktime_get_ns();
			__sync_fetch_and_add(&bw->stat.nr_throttled, 1);
		}
		__sync_fetch_and_add(&nr_throttled_groups, 1);
	}
	if (!n->bw_armed)
		bw_arm(n, cgid);
}

/* Whether cgroup `cgid` or one of its ancestors is out of its quota. */
static bool cgroup_throttled(u64 cgid)
{
	u32 i;

	if (nr_throttled_groups <= 0)
		return false;
	bpf_for(i, 0, FSCHED_MAX_LEVELS) {
		struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);

		if (!n)
			return false;
		if (n->throttled)
			return true;
		cgid = n->parent;
		if (!cgid)
			return false;
	}
	return false;
}

static bool task_throttled(struct task_struct *p)
{
	struct task_ctx *tctx;

	if (nr_throttled_groups <= 0)
		return false;
	tctx = ctx_of(p);
	return tctx && cgroup_throttled(tctx->cgid);
}
