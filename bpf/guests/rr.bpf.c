/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rr: round robin, the smallest useful guest. Every runnable task of the
 * group goes to the tail of one FIFO queue with the same slice; a CPU the
 * host hands to the guest takes the head. Nice levels are ignored: a
 * nice-10 and a nice-0 hog in an rr group split its CPU evenly, which is
 * what it is for (and what shows that the guest, not the host, decides).
 *
 * Costs: one shared queue, so every enqueue and dispatch of the group
 * takes that queue's lock — fine for a handful of CPUs, a bottleneck on
 * many. No per-task state, no timers, no maps besides the required arena.
 *
 * Knob: slice_us (default 5000), set at load.
 */
#include "fsched_guest.h"

char _license[] SEC("license") = "GPL";

const volatile u64 slice_us = 5000;

enum { RR_DSQ = 0 };

FSCHED_GUEST_ARENA(1024);

s32 BPF_STRUCT_OPS(rr_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	FSCHED_TOUCH_ARENA();
	return prev_cid;
}

void BPF_STRUCT_OPS(rr_enqueue, struct task_struct *p, u64 enq_flags)
{
	FSCHED_TOUCH_ARENA();
	scx_bpf_dsq_insert(p, RR_DSQ, slice_us * 1000, enq_flags);
}

void BPF_STRUCT_OPS(rr_dispatch, s32 cid, struct task_struct *prev)
{
	FSCHED_TOUCH_ARENA();
	scx_bpf_dsq_move_to_local(RR_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(rr_init)
{
	FSCHED_TOUCH_ARENA();
	return scx_bpf_create_dsq(RR_DSQ, -1);
}

void BPF_STRUCT_OPS(rr_exit, struct scx_exit_info *ei)
{
	FSCHED_TOUCH_ARENA();
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid rr_ops = {
	.select_cid = (void *)rr_select_cid,
	.enqueue = (void *)rr_enqueue,
	.dispatch = (void *)rr_dispatch,
	.init = (void *)rr_init,
	.exit = (void *)rr_exit,
	.name = "rr",
};
