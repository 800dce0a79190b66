/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's accounting window (fsched_host.bpf.h, "Activity" and
 * "Confinement"): a timer that, once per window_ns, takes a guest that used
 * no CPU for a whole window out of its parent's sum, and preempts a guest's
 * task that held a CPU for a whole window without the host's dispatch
 * running there, ending the guest the GUEST_KILL_AFTER-th time. Costs: one
 * timer per window, a walk of the guest table and of every cid.
 */
#pragma once

struct window_timer {
	struct bpf_timer timer;
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct window_timer);
} window_timers SEC(".maps");

/* The window timer: activity and confinement (see the top). */
static int window_fn(void *map, int *key, struct bpf_timer *timer)
{
	u64 now = bpf_ktime_get_ns();
	u32 nr = scx_bpf_nr_cids(), i, zero = 0;

	bpf_for(i, 0, MAX_GUESTS) {
		struct guest *g = &guests[i];
		u64 rt = g->runtime_ns;

		if (!g->cgid)
			continue;
		if (g->active && rt == g->seen_ns)
			guest_deactivate(i);
		g->seen_ns = rt;
	}
	bpf_for(i, 0, nr) {
		s32 cpu = scx_bpf_cid_to_cpu(i);
		struct run_slot *rs;
		struct guest *g;

		if (cpu < 0)
			continue;
		rs = bpf_map_lookup_percpu_elem(&run_slots, &zero, cpu);
		if (!rs || !rs->gslot || now < rs->host_seen_at + window_ns)
			continue;
		g = guest_at(rs->gslot - 1);
		if (!g || !g->cgid)
			continue;
		stat_inc(FSCHED_STAT_GUEST_OVERRUN);
		if (++g->overruns >= GUEST_KILL_AFTER) {
			static char why[] = "held a CPU for more than the accounting window, again";
			unsigned long long none[1] = {};

			scx_bpf_sub_kill_bstr(g->cgid, why, none, sizeof(none));
		}
		scx_bpf_kick_cid(i, SCX_KICK_PREEMPT);
	}
	bpf_timer_start(timer, window_ns, 0);
	return 0;
}

static s32 start_window_timer(void)
{
	u32 zero = 0;
	struct window_timer *wt = bpf_map_lookup_elem(&window_timers, &zero);

	if (!wt)
		return -12;
	bpf_timer_init(&wt->timer, &window_timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&wt->timer, window_fn);
	return bpf_timer_start(&wt->timer, window_ns, 0);
}
