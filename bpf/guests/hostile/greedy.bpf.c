/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hostile guest for the tests: gives its tasks infinite slices, so a
 * task it runs would keep the CPU until it blocks. The host preempts it
 * at the end of each accounting window and ends it the third time.
 */
#include "fsched_guest.h"

char _license[] SEC("license") = "GPL";

FSCHED_GUEST_ARENA(1024);

enum { GREEDY_DSQ = 0 };

s32 BPF_STRUCT_OPS(greedy_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	FSCHED_TOUCH_ARENA();
	return prev_cid;
}

void BPF_STRUCT_OPS(greedy_enqueue, struct task_struct *p, u64 enq_flags)
{
	FSCHED_TOUCH_ARENA();
	scx_bpf_dsq_insert(p, GREEDY_DSQ, SCX_SLICE_INF, enq_flags);
}

void BPF_STRUCT_OPS(greedy_dispatch, s32 cid, struct task_struct *prev)
{
	FSCHED_TOUCH_ARENA();
	scx_bpf_dsq_move_to_local(GREEDY_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(greedy_init)
{
	FSCHED_TOUCH_ARENA();
	return scx_bpf_create_dsq(GREEDY_DSQ, -1);
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid greedy_ops = {
	.select_cid = (void *)greedy_select_cid,
	.enqueue = (void *)greedy_enqueue,
	.dispatch = (void *)greedy_dispatch,
	.init = (void *)greedy_init,
	.name = "greedy",
};
