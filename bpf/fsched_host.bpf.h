/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fsched's scheduler as a host for guests (sched_ext sub-schedulers, Linux
 * 7.3 on): what the cid form adds to the policy of fsched_scx.bpf.c, which
 * includes this file when built with FSCHED_CID_FORM.
 *
 * A guest is one competitor among its group's siblings. A guest runs a
 * whole cgroup subtree, and the host never sees its tasks run: their
 * enqueue, running and stopping go to the guest. So the host treats a
 * guest as one entity with a virtual time of its own, on the same scale as
 * its tasks' vtimes, in a table of MAX_GUESTS slots:
 *
 *  - Offering. A CPU whose dispatch runs compares the lowest vtime that
 *    may run here in its own queue with the guests' vtimes and hands the
 *    CPU to the guest with the lowest vtime below it (scx_bpf_sub_dispatch;
 *    the guest picks which of its tasks runs). A guest with nothing to run
 *    says so and the next one is asked; a CPU with no task of its own
 *    offers itself to every guest.
 *  - Charging. CPU time comes from sched_switch (a tp_btf program of this
 *    object): per CPU, which guest's task is on it and since when. The
 *    CPU time a guest's tasks used is charged when they switch out and at
 *    every dispatch on that CPU: to the guest's vtime, divided by the
 *    guest group's compound share (its cpu.weight among its active
 *    siblings, up to the root), and to the runtime of the task's process
 *    and cgroups. So a guest gets its group's weight whatever it does
 *    inside, as any group does.
 *  - Activity. A guest counts in its parent cgroup's sum, as a runnable
 *    task of its group's weight would, from the moment it accepts a CPU
 *    until a whole window passes in which it used none: the host cannot see
 *    its tasks wake or sleep, only run. The kernel takes the guest's own
 *    cgroups from the host (cpuctl_exit when the guest attaches), so the
 *    host keeps what it needs in the guest's slot: the parent and the load,
 *    read from the cgroup when the guest attaches.
 *  - Confinement. A window timer looks at every CPU: a guest's task that
 *    has held a CPU for a whole window without the host's dispatch running
 *    there (a guest inserting with infinite slices) is preempted, and its
 *    time charged; the third time, the guest is ended
 *    (scx_bpf_sub_kill_bstr) and its tasks come back to the host. A guest
 *    that never dispatches its tasks is ended by the kernel's watchdog,
 *    which blames the guest, not the host. Either way sub_detach records
 *    why, for the daemon (map guest_exits).
 *  - CPUs. A guest is granted ENQ_IMMED|ENQ|PREEMPT on every CPU when it
 *    attaches: it may queue and preempt only its own tasks, and runs only
 *    when offered a CPU.
 *
 * Idle CPUs: the cid form has no built-in idle tracking for the scheduler
 * to query, so update_idle keeps a bitmap of idle cids; a waking task
 * claims its previous cid or the first idle one it may run on, and a task
 * queued while a cid idles kicks that cid.
 *
 * Costs: sched_switch runs a program on every context switch of the
 * machine (a per-CPU lookup, a read of the task's scheduler and, for a
 * guest's task, a walk up its cgroups); dispatch looks at up to MAX_GUESTS
 * guests per offer; the window timer walks every cid once per window; a
 * waking task scans the idle bitmap (one word per 64 cids).
 */
#pragma once

#include "guests/fsched_guest.h"

enum {
	MAX_GUESTS = FSCHED_MAX_GUESTS,
	CMASK_WORDS = FSCHED_CMASK_WORDS,
	MAX_CIDS = CMASK_WORDS * 64,
	GUEST_KILL_AFTER = 3, /* overruns before a guest is ended */
};

/* Knob: the accounting window; a guest's task may hold a CPU this long
 * without giving the host a say. */
const volatile u64 window_ns = 50000000ULL; /* 50 ms */

FSCHED_GUEST_ARENA(1024);

#include "fsched_host_idle.bpf.h"

/* Every cid, as the grant's cmask (a struct scx_cmask), filled in init. */
struct fsched_cmask __arena all_cids;
_Static_assert(__builtin_offsetof(struct fsched_cmask, bits) ==
	       __builtin_offsetof(struct scx_cmask, bits), "fsched_cmask is not an scx_cmask");

#define guest fsched_guest
struct guest guests[MAX_GUESTS];

/* Why guests ended, for the daemon, keyed by cgroup id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, struct fsched_guest_exit);
} guest_exits SEC(".maps");

/* Per CPU: the guest whose task is on it (slot + 1, 0 for none), since
 * when it is charged, and when the host last had a say there. */
struct run_slot {
	u64 charged_at;
	u64 host_seen_at;
	u32 gslot;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct run_slot);
} run_slots SEC(".maps");

static struct guest *guest_at(u32 slot)
{
	return slot < MAX_GUESTS ? &guests[slot] : NULL;
}

/* The guest slot whose subtree `p` runs in, or -1 (the host's own task,
 * the idle task). A task's scheduler is the guest that owns its cgroup;
 * a guest's own guests count as the guest. */
static int guest_slot_of(struct task_struct *p)
{
	struct scx_sched *sch = BPF_CORE_READ(p, scx.sched);
	struct scx_sched *top = sch;
	s32 level;
	u64 cgid;
	u32 i;

	if (!sch)
		return -1;
	level = BPF_CORE_READ(sch, level);
	if (level < 1)
		return -1;
	if (level > 1 && bpf_probe_read_kernel(&top, sizeof(top), &sch->ancestors[1]))
		return -1;
	cgid = BPF_CORE_READ(top, cgrp, kn, id);
	bpf_for(i, 0, MAX_GUESTS) {
		if (guests[i].cgid == cgid)
			return i;
	}
	return -1;
}

/* The guest's compound share, from its parent cgroup up; charges `ns`
 * to the runtime of the parent and every cgroup above it. */
static u64 guest_share(const struct guest *g, u64 ns)
{
	u64 pid = g->parent;
	struct cg_node *p = bpf_map_lookup_elem(&cg_nodes, &pid);
	u64 load = g->load ? g->load : FSCHED_LOAD_PER_WEIGHT;
	u64 hw;

	if (!p)
		return FSCHED_HW_ONE;
	hw = FSCHED_HW_ONE * load / clamp_divisor(p->sum, load);
	return charge_up(pid, ns, hw ? hw : 1, 0);
}

/* The parent and weight of a guest's cgroup, as the kernel has them. */
static void read_guest_cgroup(struct guest *g)
{
	struct cgroup *cgrp = bpf_cgroup_from_id(g->cgid);
	struct task_group *tg;
	u32 weight = 0;

	g->parent = 0;
	g->load = FSCHED_LOAD_PER_WEIGHT;
	if (!cgrp)
		return;
	tg = (struct task_group *)BPF_CORE_READ(cgrp, subsys[cpu_cgrp_id]);
	if (tg)
		weight = BPF_CORE_READ(tg, scx.weight);
	if (weight)
		g->load = weight * FSCHED_LOAD_PER_WEIGHT / FSCHED_WEIGHT_DFL ?: 1;
	if (cgrp->level > 0) {
		struct cgroup *parent = bpf_cgroup_ancestor(cgrp, cgrp->level - 1);

		if (parent) {
			g->parent = cgroup_id(parent);
			bpf_cgroup_release(parent);
		}
	}
	bpf_cgroup_release(cgrp);
}

/* Guest `slot` counts in its parent's sum from now on. */
static void guest_activate(u32 slot, u64 clk)
{
	struct guest *g = guest_at(slot);

	if (!g || !g->cgid || g->active)
		return;
	if (__sync_val_compare_and_swap(&g->active, 0, 1) != 0)
		return;
	/* As a waking task: at most one slice of credit. */
	if (clk > slice_ns && g->vtime < clk - slice_ns)
		g->vtime = clk - slice_ns;
	account(g->parent, g->load, 1);
}

static void guest_deactivate(u32 slot)
{
	struct guest *g = guest_at(slot);

	if (!g || !g->cgid)
		return;
	if (__sync_val_compare_and_swap(&g->active, 1, 0) == 1)
		account(g->parent, g->load, -1);
}

/* What a guest's task on this CPU used since it was last charged. */
static void settle(struct run_slot *rs, struct task_struct *p, u64 now)
{
	struct guest *g;
	u64 ns, hw;

	if (!rs->gslot || !p || now <= rs->charged_at) {
		rs->charged_at = now;
		return;
	}
	ns = now - rs->charged_at;
	rs->charged_at = now;
	g = guest_at(rs->gslot - 1);
	if (!g || !g->cgid)
		return;
	__sync_fetch_and_add(&g->runtime_ns, ns);
	stat_inc(FSCHED_STAT_GUEST_CHARGE);
	charge_process(p, ns);
	hw = guest_share(g, ns);
	__sync_fetch_and_add(&g->vtime, ns * FSCHED_HW_ONE / (hw ? hw : 1));
}

SEC("tp_btf/sched_switch")
int BPF_PROG(fsched_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	u32 zero = 0;
	struct run_slot *rs = bpf_map_lookup_elem(&run_slots, &zero);
	u64 now = bpf_ktime_get_ns();
	int slot;

	if (!rs)
		return 0;
	settle(rs, prev, now);
	slot = guest_slot_of(next);
	rs->gslot = slot < 0 ? 0 : slot + 1;
	if (slot >= 0)
		stat_inc(FSCHED_STAT_GUEST_SWITCH_IN);
	rs->host_seen_at = now;
	return 0;
}

/* The guest with the lowest vtime below `below` that is not in `tried`,
 * or -1. An inactive guest is seen with the credit it would wake with. */
static int lowest_guest(u64 below, u32 tried, u64 clk)
{
	int best = -1;
	u64 best_vt = below;
	u32 i;

	bpf_for(i, 0, MAX_GUESTS) {
		struct guest *g = &guests[i];
		u64 vt = g->vtime;

		if (!g->cgid || (tried & (1u << i)))
			continue;
		if (!g->active && clk > slice_ns && vt < clk - slice_ns)
			vt = clk - slice_ns;
		if (vt < best_vt) {
			best = i;
			best_vt = vt;
		}
	}
	return best;
}

/* Hands this CPU to the guest with the lowest vtime below `below` that
 * has something to run. */
static __noinline int offer_guests(u64 below)
{
	u64 *clk = clock_of(-1);
	u64 c = clk ? *clk : 0;
	u32 tried = 0, round;
	int given = 0;

	bpf_for(round, 0, MAX_GUESTS) {
		int slot = lowest_guest(below, tried, c);
		struct guest *g;

		if (slot < 0)
			break;
		tried |= 1u << slot;
		g = guest_at(slot);
		if (!g || !g->cgid)
			continue;
		if (scx_bpf_sub_dispatch(g->cgid)) {
			guest_activate(slot, c);
			if (clk && g->vtime > *clk)
				*clk = g->vtime;
			stat_inc(FSCHED_STAT_GUEST_DISPATCH);
			given = 1;
			break;
		}
	}
	return given;
}

#include "fsched_host_window.bpf.h"

s32 BPF_STRUCT_OPS(fsched_sub_attach, struct scx_sub_attach_args *args)
{
	u64 cgid = args->ops->sub_cgroup_id;
	u32 i;

	FSCHED_TOUCH_ARENA();
	bpf_for(i, 0, MAX_GUESTS) {
		struct guest *g = &guests[i];

		if (__sync_val_compare_and_swap(&g->cgid, 0, cgid) != 0)
			continue;
		read_guest_cgroup(g);
		g->vtime = 0;
		g->runtime_ns = 0;
		g->seen_ns = 0;
		g->active = 0;
		g->overruns = 0;
		bpf_map_delete_elem(&guest_exits, &cgid);
		return scx_bpf_sub_grant(cgid, SCX_CAP_ENQ_IMMED | SCX_CAP_ENQ | SCX_CAP_PREEMPT,
					 (void *)(long)&all_cids, NULL);
	}
	return -16; /* -EBUSY: every slot is taken */
}

void BPF_STRUCT_OPS(fsched_sub_detach, struct scx_sub_detach_args *args)
{
	/* The guest's ops are the first member of its struct scx_sched. */
	struct scx_sched *sch = (void *)args->ops;
	struct scx_exit_info *ei = NULL;
	struct fsched_guest_exit x = {};
	u64 cgid = args->ops->sub_cgroup_id;
	u32 i;

	FSCHED_TOUCH_ARENA();
	bpf_for(i, 0, MAX_GUESTS) {
		if (guests[i].cgid != cgid)
			continue;
		guest_deactivate(i);
		x.runtime_ns = guests[i].runtime_ns;
		x.overruns = guests[i].overruns;
		guests[i].cgid = 0;
	}
	bpf_probe_read_kernel(&ei, sizeof(ei), &sch->exit_info);
	if (ei) {
		const char *reason = NULL;
		char *msg = NULL;

		bpf_probe_read_kernel(&x.kind, sizeof(u32), &ei->kind);
		bpf_probe_read_kernel(&reason, sizeof(reason), &ei->reason);
		bpf_probe_read_kernel(&msg, sizeof(msg), &ei->msg);
		if (reason)
			bpf_probe_read_kernel_str(x.reason, sizeof(x.reason), reason);
		if (msg)
			bpf_probe_read_kernel_str(x.msg, sizeof(x.msg), msg);
	}
	bpf_map_update_elem(&guest_exits, &cgid, &x, BPF_ANY);
}

/* The host's part of init: the grant's cmask and the window timer. */
static s32 host_init(void)
{
	u32 nr = scx_bpf_nr_cids(), i;

	if (nr > MAX_CIDS) {
		fsched_guest_error("more cids than the host's cmask holds");
		return -22;
	}
	all_cids.base = 0;
	all_cids.nr_cids = nr;
	all_cids.alloc_words = CMASK_WORDS;
	bpf_for(i, 0, nr) {
		u32 w = i / 64;

		if (w < CMASK_WORDS)
			all_cids.bits[w] |= 1ull << (i % 64);
	}
	return start_window_timer();
}
