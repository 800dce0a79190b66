/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpu.max, the part that runs off the charging path (fsched_bandwidth.bpf.h
 * explains the whole): a capped cgroup's period timer, the release of its
 * waiting tasks, and what the kernel tells about a cgroup's bandwidth.
 * Included by fsched_cgroup_ops.bpf.h (the root forms: a guest gets no
 * cgroup callbacks).
 */
#pragma once

/* Puts the waiting tasks no longer throttled back in the fair queue. */
static void bw_release(void)
{
	struct task_struct *p;

#ifndef FSCHED_CID_FORM
	if (!bpf_ksym_exists(scx_bpf_dsq_move_vtime)) /* before 6.13: no cpu.max either */
		return;
#endif
	bpf_for_each(scx_dsq, p, FSCHED_THROTTLED_DSQ, 0) {
		u64 vtime = p->scx.dsq_vtime;
		u64 *clk;

		if (task_throttled(p))
			continue;
		/* As a waker: at most one slice of credit for the wait. */
		clk = clock_of(task_cpu(p));
		if (clk && *clk > slice_ns && vtime < *clk - slice_ns)
			vtime = *clk - slice_ns;
		scx_bpf_dsq_move_set_vtime(BPF_FOR_EACH_ITER, vtime);
		if (!scx_bpf_dsq_move_vtime(BPF_FOR_EACH_ITER, p, FSCHED_FAIR_DSQ, 0))
			continue; /* dequeued meanwhile */
		stat_inc(FSCHED_STAT_RELEASED);
		kick_idle_for(p);
	}
}

static bool bw_unthrottle(struct cg_node *n, struct cg_bw *bw, u64 now)
{
	if (__sync_val_compare_and_swap(&n->throttled, 1, 0) != 1)
		return false;
	__sync_fetch_and_add(&nr_throttled_groups, -1);
	if (now > bw->throttled_at)
		__sync_fetch_and_add(&bw->stat.throttled_ns, now - bw->throttled_at);
	return true;
}

/* A capped cgroup's period ends. */
static int bw_period_fn(void *map, u64 *key, struct cg_bw *bw)
{
	u64 cgid = *key, now = bpf_ktime_get_ns();
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	bool active, was, release = false;
	s64 used, left;

	if (!n)
		return 0; /* the cgroup is going */
	active = __sync_lock_test_and_set(&n->bw_active, 0);
	was = n->throttled;
	if (!n->quota_ns) {
		/* Uncapped: its tasks go, and the timer parks. */
		release = was && bw_unthrottle(n, bw, now);
		n->used_ns = 0;
		__sync_lock_test_and_set(&n->bw_armed, 0);
		goto out;
	}
	used = n->used_ns;
	left = used - (s64)n->quota_ns;
	if (left < -(s64)n->burst_ns)
		left = -(s64)n->burst_ns;
	if (left > (s64)n->quota_ns)
		left = n->quota_ns;
	__sync_fetch_and_add(&n->used_ns, left - used);
	if (was && left < (s64)n->quota_ns)
		release = bw_unthrottle(n, bw, now);
	if (active || was) {
		__sync_fetch_and_add(&bw->stat.nr_periods, 1);
		bpf_timer_start(&bw->timer, n->period_ns, 0);
		goto out;
	}
	/* A whole period unused: park, unless a charge came in meanwhile
	 * (it saw the timer armed and left it to us). */
	__sync_lock_test_and_set(&n->bw_armed, 0);
	if (n->bw_active && __sync_val_compare_and_swap(&n->bw_armed, 0, 1) == 0)
		bpf_timer_start(&bw->timer, n->period_ns, 0);
out:
	if (release)
		bw_release();
	return 0;
}

/* The kernel's word on cgroup `cgid`'s cpu.max; quota RUNTIME_INF (all
 * ones) is "max". A cgroup gets its timer the first time it is capped. */
static s32 bw_set(u64 cgid, u64 period_us, u64 quota_us, u64 burst_us)
{
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	bool capped = quota_us != (u64)-1 && quota_us && period_us;
	struct cg_bw *bw, fresh = {};

	if (!n)
		return 0;
	bw = bpf_map_lookup_elem(&cg_bw, &cgid);
	if (!bw && capped) {
		if (bpf_map_update_elem(&cg_bw, &cgid, &fresh, BPF_NOEXIST) ||
		    !(bw = bpf_map_lookup_elem(&cg_bw, &cgid)))
			return -ENOMEM;
		if (bpf_timer_init(&bw->timer, &cg_bw, CLOCK_MONOTONIC) ||
		    bpf_timer_set_callback(&bw->timer, bw_period_fn)) {
			bpf_map_delete_elem(&cg_bw, &cgid);
			return -ENOMEM;
		}
	}
	if (!bw)
		return 0; /* never capped */
	if (capped && !n->quota_ns)
		n->used_ns = 0; /* a new cap starts afresh */
	n->period_ns = period_us * 1000;
	n->burst_ns = burst_us == (u64)-1 ? 0 : burst_us * 1000;
	n->quota_ns = capped ? quota_us * 1000 : 0;
	if (capped)
		bw_arm(n, cgid);
	else if (n->bw_armed)
		bpf_timer_start(&bw->timer, 0, 0); /* let its tasks go now */
	return 0;
}

/* A cgroup goes: nothing of it may stay counted as throttled. */
static void bw_forget(u64 cgid)
{
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);

	if (n) {
		n->quota_ns = 0; /* charges leave it alone from now on */
		if (n->throttled && __sync_val_compare_and_swap(&n->throttled, 1, 0) == 1)
			__sync_fetch_and_add(&nr_throttled_groups, -1);
	}
	bpf_map_delete_elem(&cg_bw, &cgid);
}

void BPF_STRUCT_OPS(fsched_cgroup_set_bandwidth, struct cgroup *cgrp, u64 period_us, u64 quota_us,
		    u64 burst_us)
{
	FSCHED_TOUCH_ARENA();
	if (bw_set(cgroup_id(cgrp), period_us, quota_us, burst_us))
		fsched_error("no room for a capped cgroup's timer");
}
