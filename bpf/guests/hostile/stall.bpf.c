/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hostile guest for the tests: queues its tasks and never dispatches
 * them. The kernel's watchdog blames the guest (its own timeout_ms, kept
 * short here so the test is quick) and ejects it alone.
 */
#include "fsched_guest.h"

char _license[] SEC("license") = "GPL";

FSCHED_GUEST_ARENA(1024);

enum { STALL_DSQ = 0 };

s32 BPF_STRUCT_OPS(stall_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	FSCHED_TOUCH_ARENA();
	return prev_cid;
}

void BPF_STRUCT_OPS(stall_enqueue, struct task_struct *p, u64 enq_flags)
{
	FSCHED_TOUCH_ARENA();
	scx_bpf_dsq_insert(p, STALL_DSQ, 5000000, enq_flags);
}

void BPF_STRUCT_OPS(stall_dispatch, s32 cid, struct task_struct *prev)
{
	FSCHED_TOUCH_ARENA();
}

s32 BPF_STRUCT_OPS_SLEEPABLE(stall_init)
{
	FSCHED_TOUCH_ARENA();
	return scx_bpf_create_dsq(STALL_DSQ, -1);
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid stall_ops = {
	.select_cid = (void *)stall_select_cid,
	.enqueue = (void *)stall_enqueue,
	.dispatch = (void *)stall_dispatch,
	.init = (void *)stall_init,
	.timeout_ms = 5000,
	.name = "stall",
};
